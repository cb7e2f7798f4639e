import { imageNeed } from '../../src/image/limits.ts';
import { defineNode, float, image, int } from '../../src/kernel/define.ts';
import { imageSketch } from '../../src/kernel/sketch.ts';

export default defineNode({
  type: 'image.gradient', version: 1, title: 'Gradient', category: 'Image',
  aliases: ['ramp', 'test image'],
  description: 'A colour gradient test image: red grows left to right, green top to bottom.',
  inputs: {},
  params: {
    width: int({ default: 64, min: 1, max: 4096 }),
    height: int({ default: 64, min: 1, max: 4096 }),
    blue: float({ default: 0.5, min: 0, max: 1, step: 0.05 }),
  },
  outputs: { image: 'IMAGE' },
  memory: ({ width, height }) => imageNeed({ width, height, channels: 3 }, 'gradient', 'width or height'),
  sketch: ({ width, height }) => ({ image: imageSketch(width, height, 3) }),
  async run({ params: { width, height, blue } }) {
    const out = image(width, height, 3);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const i = (y * width + x) * 3;
        out.data[i] = width > 1 ? x / (width - 1) : 0;
        out.data[i + 1] = height > 1 ? y / (height - 1) : 0;
        out.data[i + 2] = blue;
      }
    }
    return { image: out };
  },
});
