import { defineNode, int } from '../../src/kernel/define.ts';
import { cells, compositeLatent } from './latentOps.ts';
import { latentSketch } from '../../src/kernel/sketch.ts';

export default defineNode({
  type: 'latent.composite', version: 1, title: 'Latent Composite', category: 'Latent',
  description: 'The source latents pasted onto the destination at (x, y) pixels (multiples of 8); with a mask ' +
    "(resized to the source), only where it is set: source x mask + destination x (1 - mask).",
  inputs: { destination: 'LATENT', source: 'LATENT', mask: { type: 'MASK', optional: true } },
  params: {
    x: int({ default: 0, min: 0, max: 16384, step: 8 }),
    y: int({ default: 0, min: 0, max: 16384, step: 8 }),
  },
  outputs: { latent: 'LATENT' },
  sketch: (_params, { destination }) => (destination ? { latent: latentSketch(destination.tensor.dims) } : {}),
  async run({ inputs, params }) {
    return { latent: compositeLatent(inputs.destination, inputs.source, cells(params.x, 'x'), cells(params.y, 'y'), inputs.mask) };
  },
});
