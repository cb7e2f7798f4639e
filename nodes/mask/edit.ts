// The mask edits, one node each: threshold, invert, grow (or shrink), feather, and a view as an image.
import { featherMask, growMask, invertMask, maskedImageOf, maskToImage, thresholdMask } from '../../src/image/mask.ts';
import { defineNode, float, int } from '../../src/kernel/define.ts';

export const threshold = defineNode({
  type: 'mask.threshold', version: 1, title: 'Mask Threshold', category: 'Mask',
  description: 'Values at or above the threshold become 1, the rest 0: a hard mask.',
  inputs: { mask: 'MASK' },
  params: { threshold: float({ default: 0.5, min: 0, max: 1, step: 0.05 }) },
  outputs: { mask: 'MASK' },
  async run({ inputs, params }) { return { mask: thresholdMask(inputs.mask, params.threshold) }; },
});

export const invert = defineNode({
  type: 'mask.invert', version: 1, title: 'Invert Mask', category: 'Mask',
  description: '1 - mask.',
  inputs: { mask: 'MASK' },
  params: {},
  outputs: { mask: 'MASK' },
  async run({ inputs }) { return { mask: invertMask(inputs.mask) }; },
});

export const grow = defineNode({
  type: 'mask.grow', version: 1, title: 'Grow Mask', category: 'Mask',
  description: 'Grown by n pixels (the largest value in the square around each pixel), or shrunk for negative n.',
  inputs: { mask: 'MASK' },
  params: { pixels: int({ default: 8, min: -256, max: 256 }) },
  outputs: { mask: 'MASK' },
  async run({ inputs, params }) { return { mask: growMask(inputs.mask, params.pixels) }; },
});

export const feather = defineNode({
  type: 'mask.feather', version: 1, title: 'Feather Mask', category: 'Mask',
  description: 'Edges softened by a Gaussian blur (standard deviation radius / 2).',
  inputs: { mask: 'MASK' },
  params: { radius: float({ default: 8, min: 0, max: 256, step: 1 }) },
  outputs: { mask: 'MASK' },
  async run({ inputs, params }) { return { mask: featherMask(inputs.mask, params.radius) }; },
});

export const toImage = defineNode({
  type: 'mask.to_image', version: 1, title: 'Mask to Image', category: 'Mask',
  description: 'The mask as a grey image, to look at or save.',
  inputs: { mask: 'MASK' },
  params: {},
  outputs: { image: 'IMAGE' },
  async run({ inputs }) { return { image: maskToImage(inputs.mask) }; },
});

export const maskedImage = defineNode({
  type: 'mask.masked_image', version: 1, title: 'Masked Image', category: 'Mask',
  description: "The image with the masked area (mask >= 0.5) set to grey, as diffusers blanks it for an inpainting UNet's masked-image latent: " +
    'feed it through VAE Encode into Denoise\'s masked_latent.',
  inputs: { image: 'IMAGE', mask: 'MASK' },
  params: {},
  outputs: { image: 'IMAGE' },
  async run({ inputs }) { return { image: maskedImageOf(inputs.image, inputs.mask) }; },
});
