import { checkImageSize, imageNeed } from '../../src/image/limits.ts';
import { defineNode, float, image, int, type ImageValue } from '../../src/kernel/define.ts';
import { imageSketch } from '../../src/kernel/sketch.ts';

export default defineNode({
  type: 'image.grid', version: 1, title: 'Image Grid', category: 'Image',
  aliases: ['contact sheet', 'batch grid', 'tile images'],
  description: 'Lays the images of a batch out in rows, left to right, as one image.',
  inputs: { images: 'IMAGE' },
  params: {
    columns: int({ default: 0, min: 0, max: 64, label: 'columns (0 = automatic)' }),
    gap: int({ default: 0, min: 0, max: 256 }),
    background: float({ default: 0, min: 0, max: 1, step: 0.05 }),
  },
  outputs: { image: 'IMAGE' },
  memory(params, { images }) {
    if (!images) return undefined;
    const { gw, gh } = layout(images, params);
    return imageNeed({ width: gw, height: gh, channels: images.channels }, 'grid', 'gap, or the size or batch of the images fed in');
  },
  sketch(params, { images }) {
    if (!images) return {};
    const { gw, gh } = layout(images, params);
    return { image: imageSketch(gw, gh, images.channels) };
  },
  async run({ inputs: { images }, params }) {
    const { batch, width: w, height: h, channels: c } = images;
    const { cols, gw, gh } = layout(images, params);
    checkImageSize(gw, gh, 'grid');
    const out = image(gw, gh, c);
    out.data.fill(params.background);
    // Alpha (when there is one) of the gaps stays opaque background.
    if (c === 4) for (let i = 3; i < out.data.length; i += 4) out.data[i] = 1;
    for (let b = 0; b < batch; b++) {
      const x0 = (b % cols) * (w + params.gap);
      const y0 = Math.floor(b / cols) * (h + params.gap);
      for (let y = 0; y < h; y++) {
        const src = (b * h + y) * w * c;
        out.data.set(images.data.subarray(src, src + w * c), ((y0 + y) * gw + x0) * c);
      }
    }
    return { image: out };
  },
});

function layout({ batch, width: w, height: h }: ImageValue, params: { columns: number; gap: number }): { cols: number; gw: number; gh: number } {
  const cols = Math.min(batch, params.columns || Math.ceil(Math.sqrt(batch)));
  const rows = Math.ceil(batch / cols);
  return { cols, gw: cols * w + (cols - 1) * params.gap, gh: rows * h + (rows - 1) * params.gap };
}
