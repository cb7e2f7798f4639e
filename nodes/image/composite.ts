import { compositeImage } from '../../src/image/compose.ts';
import { defineNode, int } from '../../src/kernel/define.ts';
import { imageSketch } from '../../src/kernel/sketch.ts';

export default defineNode({
  type: 'image.composite', version: 1, title: 'Composite', category: 'Image',
  description: 'The source pasted onto the destination with its top-left corner at (x, y); with a mask (resized to the source), ' +
    'only where it is set: source x mask + destination x (1 - mask). The result has the destination\'s size and channels.',
  inputs: { destination: 'IMAGE', source: 'IMAGE', mask: { type: 'MASK', optional: true } },
  params: {
    x: int({ default: 0, min: -16384, max: 16384 }),
    y: int({ default: 0, min: -16384, max: 16384 }),
  },
  outputs: { image: 'IMAGE' },
  sketch: (_params, { destination: d }) => (d ? { image: imageSketch(d.width, d.height, d.channels, d.batch) } : {}),
  async run({ inputs, params }) {
    return { image: compositeImage(inputs.destination, inputs.source, params.x, params.y, inputs.mask) };
  },
});
