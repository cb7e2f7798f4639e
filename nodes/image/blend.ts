import { blendImages } from '../../src/image/compose.ts';
import { defineNode, float } from '../../src/kernel/define.ts';

export default defineNode({
  type: 'image.blend', version: 1, title: 'Blend', category: 'Image',
  description: 'a x factor + b x (1 - factor), pixel by pixel (same sizes): factor 1 is a, 0 is b.',
  inputs: { a: 'IMAGE', b: 'IMAGE' },
  params: { factor: float({ default: 0.5, min: 0, max: 1, step: 0.05 }) },
  outputs: { image: 'IMAGE' },
  async run({ inputs, params }) {
    return { image: blendImages(inputs.a, inputs.b, params.factor) };
  },
});
