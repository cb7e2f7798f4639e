import { cropImage } from '../../src/image/compose.ts';
import { defineNode, int } from '../../src/kernel/define.ts';

export default defineNode({
  type: 'image.crop', version: 1, title: 'Crop', category: 'Image',
  description: 'A rectangle of the image; the parts outside it are dropped.',
  inputs: { image: 'IMAGE' },
  params: {
    x: int({ default: 0, min: 0, max: 16384 }),
    y: int({ default: 0, min: 0, max: 16384 }),
    width: int({ default: 512, min: 1, max: 16384 }),
    height: int({ default: 512, min: 1, max: 16384 }),
  },
  outputs: { image: 'IMAGE' },
  async run({ inputs: { image }, params }) {
    return { image: cropImage(image, params) };
  },
});
