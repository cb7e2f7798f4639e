import { checkImageSize, imageNeed } from '../../src/image/limits.ts';
import { upscalerRunBytes, weightBytes } from '../../src/models/memory.ts';
import { resizeImage } from '../../src/image/resize.ts';
import { choice, defineNode, image, int, type ImageValue } from '../../src/kernel/define.ts';
import { imageSketch } from '../../src/kernel/sketch.ts';
import { planGrid } from '../../src/image/tiles.ts';
import { openUpscaler } from '../../src/models/contracts/imageModel.ts';
import { MIN_TILE, upscaleItem, upscaleWhole, type TileRun } from '../../src/image/upscaleTiles.ts';

/**
 * Tile size per backend when the whole image does not fit its memory budget: big tiles waste less on
 * overlaps (on the CPU a 1024 image is 2x2 tiles); GPU buffers and the browser's WASM heap are smaller.
 * Too big shrinks on failure anyway.
 */
const AUTO_TILE: Record<string, number> = { cpu: 640, webgpu: 512, wasm: 256 };

/**
 * The automatic tile side for a `width` x `height` image: the whole image when one run of it fits the
 * backend's budget (tiles only add overlap, blending and a run each), else the backend's tile, smaller
 * still when that does not fit. With no budget known, the backend's tile.
 */
export function autoTile(width: number, height: number, runBytes: (pixels: number) => number, budget: number | undefined, backend: string): number {
  const start = AUTO_TILE[backend] ?? 256;
  if (budget === undefined) return start;
  if (runBytes(width * height) <= budget) return Math.max(width, height);
  let tile = start;
  while (tile > MIN_TILE && runBytes(tile * tile) > budget) tile = Math.max(MIN_TILE, Math.floor(tile * 0.75));
  return tile;
}

export default defineNode({
  type: 'image.upscale', version: 1, title: 'Upscale', category: 'Image',
  aliases: ['upscale image using model', 'image upscale with model', 'esrgan', 'super resolution', 'enlarge'],
  description: 'Runs a super-resolution model over an image of any size in overlapping, blended tiles.',
  inputs: { image: 'IMAGE', upscaler: 'UPSCALER' },
  params: {
    tile: int({ default: 0, min: 0, max: 4096, label: 'tile size (0 = automatic)' }),
    overlap: int({ default: 32, min: 0, max: 256 }),
    alpha: choice({ choices: ['bicubic', 'bilinear'], default: 'bicubic', label: 'alpha filter' }),
  },
  outputs: { image: 'IMAGE' },
  memory(params, inputs) {
    // The scale is known before the run only when the manifest states it; the kernel checks the size again.
    const scale = inputs.upscaler?.manifest.upscaler?.scale;
    const src = inputs.image;
    if (!inputs.upscaler || !src || scale === undefined) return undefined;
    // The output, and for alpha its own plane resized (1/4 of RGBA) plus the source's alpha; tiles are
    // small and shrink when onnxruntime runs out of memory.
    const need = imageNeed({ width: src.width * scale, height: src.height * scale, channels: src.channels, batch: src.batch },
      'upscaled image', 'the size or batch of the image (a Resize before Upscale)', src.channels === 4 ? 1.5 : 1);
    return { ...need, bytes: need.bytes + 3 * weightBytes(inputs.upscaler.manifest, 'model') };
  },
  sketch(_params, { upscaler, image }) {
    const scale = upscaler?.manifest.upscaler?.scale;
    return image && scale !== undefined ? { image: imageSketch(image.width * scale, image.height * scale, image.channels, image.batch) } : {};
  },
  async run({ inputs, params, ctx }) {
    const model = await openUpscaler(ctx.runtime, inputs.upscaler.manifest, ctx.signal);
    const src = inputs.image;
    const s = model.scale;
    const [w, h] = [src.width * s, src.height * s];
    checkImageSize(w, h, 'upscaled image', src.batch);
    // Tile sizes that had to shrink, per model and backend, so the engine's next run starts there.
    const learnedKey = `upscale-tile:${model.info.key}:${ctx.runtime.backend}`;
    const learned = ctx.runtime.memory.get(learnedKey) as number | undefined;
    const runBytes = (pixels: number) => upscalerRunBytes(weightBytes(inputs.upscaler.manifest, 'model'), s, pixels);
    const tile = params.tile > 0 ? Math.max(MIN_TILE, params.tile) : learned ?? autoTile(src.width, src.height, runBytes, ctx.runtime.memoryBudget, ctx.runtime.backend);
    const [th, tw] = model.fixed ?? [tile, tile];
    const full = { x: 0, y: 0, w: src.width, h: src.height };
    const run: TileRun = {
      runtime: ctx.runtime, model, tile, overlap: params.overlap, signal: ctx.signal,
      done: 0, total: src.batch * planGrid(full, tw, th, params.overlap, s).length,
      progress: (done, total) => ctx.progress(done, total),
    };
    const whole = await upscaleWhole(run, src);
    if (whole) return { image: whole };
    if (run.tile < tile) run.total = src.batch * planGrid(full, run.tile, run.tile, params.overlap, s).length; // it ran out of memory whole
    const out = image(w, h, src.channels, undefined, src.batch);
    for (let b = 0; b < src.batch; b++) await upscaleItem(run, src, b, out);
    if (params.tile === 0 && run.tile < tile) ctx.runtime.memory.set(learnedKey, run.tile);
    if (src.channels === 4) copyAlpha(resizeImage(alphaOf(src), w, h, params.alpha), out);
    return { image: out };
  },
});

function alphaOf(img: ImageValue): ImageValue {
  const n = img.batch * img.width * img.height;
  const a = new Float32Array(n);
  for (let p = 0; p < n; p++) a[p] = img.data[p * 4 + 3];
  return image(img.width, img.height, 1, a, img.batch);
}

function copyAlpha(alpha: ImageValue, out: ImageValue): void {
  for (let p = 0; p < alpha.data.length; p++) out.data[p * 4 + 3] = alpha.data[p];
}
