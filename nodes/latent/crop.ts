import { defineNode, int } from '../../src/kernel/define.ts';
import { cells, cropLatent } from './latentOps.ts';

export default defineNode({
  type: 'latent.crop', version: 1, title: 'Latent Crop', category: 'Latent',
  description: 'A rectangle of the latents, given in pixels (multiples of 8); the parts outside are dropped.',
  inputs: { latent: 'LATENT' },
  params: {
    x: int({ default: 0, min: 0, max: 16384, step: 8 }),
    y: int({ default: 0, min: 0, max: 16384, step: 8 }),
    width: int({ default: 512, min: 8, max: 16384, step: 8 }),
    height: int({ default: 512, min: 8, max: 16384, step: 8 }),
  },
  outputs: { latent: 'LATENT' },
  async run({ inputs: { latent }, params: p }) {
    return { latent: cropLatent(latent, { x: cells(p.x, 'x'), y: cells(p.y, 'y'), width: cells(p.width, 'width'), height: cells(p.height, 'height') }) };
  },
});
