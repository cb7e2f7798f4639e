// Paint Mask: a mask painted by hand in the editor over the image wired in, kept as brush strokes in the
// node's params (so the mask travels with the graph), rasterised at the image's size on each run.
import { imageNeed } from '../../src/image/limits.ts';
import { paintMask } from '../../src/image/paint.ts';
import { defineNode, strokes } from '../../src/kernel/define.ts';
import { maskSketch } from '../../src/kernel/sketch.ts';

export default defineNode({
  type: 'mask.paint', version: 1, title: 'Paint Mask', category: 'Mask',
  aliases: ['mask editor', 'inpaint mask', 'brush', 'draw mask'],
  description: 'A mask painted by hand: open "Paint mask" on the node and paint over the image wired in (brush and eraser). ' +
    'The strokes are kept relative to the image, so a resized image gets the same mask at its size; edges are hard (soften with Feather Mask).',
  inputs: { image: 'IMAGE' },
  params: { strokes: strokes({ maxStrokes: 1000, maxPoints: 20000, minSize: 0.001, maxSize: 1 }) },
  outputs: { mask: 'MASK' },
  memory(_params, { image }) {
    if (!image) return undefined;
    return imageNeed({ width: image.width, height: image.height, channels: 1 }, 'mask', 'the image size');
  },
  sketch: (_params, { image }) => (image ? { mask: maskSketch(image.width, image.height) } : {}),
  async run({ inputs: { image }, params, ctx }) {
    return { mask: paintMask(params.strokes, image.width, image.height, ctx.signal) };
  },
});
