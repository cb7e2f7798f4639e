import { imageSketch } from '../../src/kernel/sketch.ts';
import { checkImageSize, imageNeed } from '../../src/image/limits.ts';
import { RESIZE_FILTERS, resizeImage } from '../../src/image/resize.ts';
import { choice, defineNode, float, int } from '../../src/kernel/define.ts';

export default defineNode({
  type: 'image.resize', version: 1, title: 'Resize', category: 'Image',
  aliases: ['image scale', 'scale', 'upscale image', 'resample'],
  description: 'To a size (0 on one side keeps the aspect ratio) or by a factor.',
  inputs: { image: 'IMAGE' },
  params: {
    mode: choice({ choices: ['size', 'factor'], default: 'size' }),
    width: int({ default: 512, min: 0, max: 16384 }),
    height: int({ default: 512, min: 0, max: 16384 }),
    factor: float({ default: 2, min: 0.01, max: 16, step: 0.25 }),
    filter: choice({ choices: RESIZE_FILTERS, default: 'bicubic' }),
  },
  outputs: { image: 'IMAGE' },
  memory(params, { image }) {
    if (!image) return undefined;
    const [w, h] = targetSize(image.width, image.height, params);
    // The output and the one-direction pass between input and output (at most as large as the larger).
    const copies = 1 + Math.max(1, (image.width * image.height) / (w * h));
    return imageNeed({ width: w, height: h, channels: image.channels, batch: image.batch }, 'resized image', params.mode === 'factor' ? 'factor' : 'width or height', copies);
  },
  sketch(params, { image }) {
    if (!image) return {};
    const [w, h] = targetSize(image.width, image.height, params);
    return { image: imageSketch(w, h, image.channels, image.batch) };
  },
  async run({ inputs: { image }, params }) {
    const [w, h] = targetSize(image.width, image.height, params);
    checkImageSize(w, h, 'resized image', image.batch);
    return { image: resizeImage(image, w, h, params.filter) };
  },
});

export function targetSize(w0: number, h0: number, p: { mode: string; width: number; height: number; factor: number }): [number, number] {
  if (p.mode === 'factor') return [Math.max(1, Math.round(w0 * p.factor)), Math.max(1, Math.round(h0 * p.factor))];
  if (p.width === 0 && p.height === 0) throw new Error('params "width" and "height": give at least one of them');
  const w = p.width || Math.max(1, Math.round((w0 * p.height) / h0));
  const h = p.height || Math.max(1, Math.round((h0 * p.width) / w0));
  return [w, h];
}
