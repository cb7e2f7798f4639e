import { maskFromImage } from '../../src/image/mask.ts';
import { choice, defineNode } from '../../src/kernel/define.ts';

export default defineNode({
  type: 'mask.from_image', version: 1, title: 'Mask from Image', category: 'Mask',
  description: "A mask from an image's alpha, one of its colour channels, or its luminance (1 = the area to change).",
  inputs: { image: 'IMAGE' },
  params: { channel: choice({ choices: ['alpha', 'red', 'green', 'blue', 'luminance'] as const, default: 'alpha' }) },
  outputs: { mask: 'MASK' },
  async run({ inputs, params }) {
    return { mask: maskFromImage(inputs.image, params.channel) };
  },
});
