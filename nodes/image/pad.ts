import { checkImageSize } from '../../src/image/limits.ts';
import { padImage } from '../../src/image/mask.ts';
import { defineNode, int } from '../../src/kernel/define.ts';
import { imageSketch, maskSketch } from '../../src/kernel/sketch.ts';

export default defineNode({
  type: 'image.pad', version: 1, title: 'Pad Image', category: 'Image',
  description: 'For outpainting: the canvas extended by n pixels per side (filled with grey), and a mask that is 1 over the new area.',
  inputs: { image: 'IMAGE' },
  params: {
    left: int({ default: 0, min: 0, max: 4096, step: 8 }),
    top: int({ default: 0, min: 0, max: 4096, step: 8 }),
    right: int({ default: 64, min: 0, max: 4096, step: 8 }),
    bottom: int({ default: 0, min: 0, max: 4096, step: 8 }),
  },
  outputs: { image: 'IMAGE', mask: 'MASK' },
  sketch(p, { image }) {
    if (!image) return {};
    const [w, h] = [image.width + p.left + p.right, image.height + p.top + p.bottom];
    return { image: imageSketch(w, h, image.channels, image.batch), mask: maskSketch(w, h) };
  },
  async run({ inputs: { image }, params: p }) {
    checkImageSize(image.width + p.left + p.right, image.height + p.top + p.bottom, 'padded image', image.batch);
    return padImage(image, p);
  },
});
