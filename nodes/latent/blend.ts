import { defineNode, float } from '../../src/kernel/define.ts';
import { blendLatents } from './latentOps.ts';

export default defineNode({
  type: 'latent.blend', version: 1, title: 'Latent Blend', category: 'Latent',
  description: 'a x factor + b x (1 - factor): factor 1 is a, 0 is b.',
  inputs: { a: 'LATENT', b: 'LATENT' },
  params: { factor: float({ default: 0.5, min: 0, max: 1, step: 0.05 }) },
  outputs: { latent: 'LATENT' },
  async run({ inputs, params }) {
    return { latent: blendLatents(inputs.a, inputs.b, params.factor) };
  },
});
