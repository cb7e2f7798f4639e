// Runs an upscaler over one image by tiles. Each tile's output is added, weighted, straight into the
// output image, so memory beyond the output is one tile. When a run fails (out of memory, a buffer
// limit) the tile size halves and the failed tile is redone as smaller tiles, like chaiNNer's auto_split.
import type { ModelInfo, Runtime } from '../runtime/runtime.ts';
import type { Tensor } from '../runtime/tensor.ts';
import { fromNCHW, withNCHW, type Range } from './convert.ts';
import type { ImageValue } from './value.ts';
import { planGrid, type Rect } from './tiles.ts';

export const MIN_TILE = 32;

/** What tiling needs of an opened image model ([1, 3, H, W] -> [1, 3, sH, sW]). */
export interface TileModel {
  info: ModelInfo;
  input: string;
  output: string;
  scale: number;
  range: Range;
  /** [height, width] when the model only takes tiles of one size. */
  fixed: [number, number] | null;
}

export interface TileRun {
  runtime: Runtime;
  model: TileModel;
  /** Current tile size; shrinks on failure and stays shrunk for the rest of the run. */
  tile: number;
  overlap: number;
  signal: AbortSignal;
  done: number;
  total: number;
  progress(done: number, total: number): void;
}

/** The model answered, wrongly: smaller tiles will not help. */
class WrongShape extends Error {}

type Sink = (rect: Rect, data: Float32Array, wx: Float32Array, wy: Float32Array) => void;

/** Upscales batch item `item` of `src` into the same item of `out` (zeroed, `scale` times larger). */
export async function upscaleItem(run: TileRun, src: ImageValue, item: number, out: ImageValue): Promise<void> {
  const s = run.model.scale;
  const [lo, hi] = run.model.range;
  const sink: Sink = (rect, data, wx, wy) => addToImage(out, item, rect, s, data, wx, wy, lo, hi);
  await cover(run, src, item, { x: 0, y: 0, w: src.width, h: src.height }, sink);
}

/**
 * One RGB image that fits in one tile: one run, converted as an untiled call is (the output tensor
 * becomes the image), without a zeroed output to add into. Undefined when that run fails for want of
 * memory: the tile size has shrunk and the tiled path takes over.
 */
export async function upscaleWhole(run: TileRun, src: ImageValue): Promise<ImageValue | undefined> {
  const { model } = run;
  if (src.channels !== 3 || src.batch !== 1 || model.fixed || src.width > run.tile || src.height > run.tile) return undefined;
  run.signal.throwIfAborted();
  try {
    const result = await withNCHW(src, 0, model.range, (t) => run.runtime.run(model.info, { [model.input]: t }, run.signal));
    const t = checkedOutput(model, result[model.output], src.height, src.width);
    run.progress(++run.done, run.total);
    return fromNCHW(t, model.range, true);
  } catch (e) {
    shrinkAfter(run, e);
    return undefined;
  }
}

/** The model's output for a [1, 3, h, w] tile, or WrongShape when it is not [1, 3, h*scale, w*scale]. */
function checkedOutput(model: TileModel, t: Tensor, h: number, w: number): Tensor {
  const s = model.scale;
  if (t.dims.length !== 4 || t.dims[1] !== 3 || t.dims[2] !== h * s || t.dims[3] !== w * s) {
    throw new WrongShape(`${model.info.label}: a [1, 3, ${h}, ${w}] tile gave [${t.dims.join(', ')}], expected [1, 3, ${h * s}, ${w * s}] (scale ${s})`);
  }
  return t;
}

/** After a failed run: halves the tile size when smaller tiles may help (out of memory), else rethrows. */
function shrinkAfter(run: TileRun, e: unknown): void {
  if (run.signal.aborted || e instanceof WrongShape || run.model.fixed || run.tile <= MIN_TILE) throw e;
  run.tile = Math.max(MIN_TILE, Math.floor(run.tile / 2));
}

async function cover(run: TileRun, src: ImageValue, item: number, rect: Rect, sink: Sink): Promise<void> {
  const [th, tw] = run.model.fixed ?? [run.tile, run.tile];
  for (const cell of planGrid(rect, tw, th, run.overlap, run.model.scale)) {
    sink(cell.rect, await tileOutput(run, src, item, cell.rect), cell.wx, cell.wy);
  }
}

/** The upscaled pixels of `rect` as [3, h*s, w*s] in the model's range. */
async function tileOutput(run: TileRun, src: ImageValue, item: number, rect: Rect): Promise<Float32Array> {
  const fits = () => run.model.fixed ? rect.w <= run.model.fixed[1] && rect.h <= run.model.fixed[0] : rect.w <= run.tile && rect.h <= run.tile;
  if (fits()) {
    run.signal.throwIfAborted();
    try {
      const data = await runTile(run, src, item, rect);
      run.progress(++run.done, run.total);
      return data;
    } catch (e) {
      shrinkAfter(run, e);
    }
  }
  // Too big for the current tile size: this tile becomes a blended grid of smaller ones.
  const s = run.model.scale;
  const [ow, oh] = [rect.w * s, rect.h * s];
  const buf = new Float32Array(3 * ow * oh);
  const [th, tw] = run.model.fixed ?? [run.tile, run.tile];
  run.total += planGrid(rect, tw, th, run.overlap, s).length - 1;
  await cover(run, src, item, rect, (sub, data, wx, wy) => {
    const [sw, sh] = [sub.w * s, sub.h * s];
    const [x0, y0] = [(sub.x - rect.x) * s, (sub.y - rect.y) * s];
    for (let ch = 0; ch < 3; ch++) {
      for (let y = 0; y < sh; y++) {
        const wyv = wy[y];
        if (wyv === 0) continue;
        const from = (ch * sh + y) * sw;
        const to = (ch * oh + y0 + y) * ow + x0;
        for (let x = 0; x < sw; x++) buf[to + x] += wyv * wx[x] * data[from + x];
      }
    }
  });
  return buf;
}

/** One model run on `rect`, padded by repeating edge pixels when the model takes a fixed size. */
async function runTile(run: TileRun, src: ImageValue, item: number, rect: Rect): Promise<Float32Array> {
  const { model } = run;
  const [ph, pw] = model.fixed ?? [rect.h, rect.w];
  const [lo, hi] = model.range;
  const c = src.channels;
  const plane = ph * pw;
  const input = new Float32Array(3 * plane);
  const base = item * src.width * src.height * c;
  for (let y = 0; y < ph; y++) {
    const sy = rect.y + Math.min(y, rect.h - 1);
    for (let x = 0; x < pw; x++) {
      const at = base + (sy * src.width + rect.x + Math.min(x, rect.w - 1)) * c;
      for (let ch = 0; ch < 3; ch++) input[ch * plane + y * pw + x] = lo + src.data[at + (c === 1 ? 0 : ch)] * (hi - lo);
    }
  }
  const result = await run.runtime.run(model.info, { [model.input]: { dtype: 'float32', dims: [1, 3, ph, pw], data: input } }, run.signal);
  const s = model.scale;
  const data = checkedOutput(model, result[model.output], ph, pw).data as Float32Array;
  if (ph === rect.h && pw === rect.w) return data;
  const [ow, oh] = [rect.w * s, rect.h * s];
  const out = new Float32Array(3 * ow * oh);
  for (let ch = 0; ch < 3; ch++) {
    for (let y = 0; y < oh; y++) out.set(data.subarray((ch * ph * s + y) * pw * s, (ch * ph * s + y) * pw * s + ow), (ch * oh + y) * ow);
  }
  return out;
}

/**
 * Adds a weighted tile into the output image: colour to [0, 1], grey as the mean of the three channels.
 * Where the tile's weight is 1 (all but its overlaps) no other tile contributes, so its pixels are
 * stored, as an untiled conversion would; only the overlaps are blended. Colour goes a channel at a
 * time, sequential reads from each plane.
 */
function addToImage(out: ImageValue, item: number, rect: Rect, s: number, data: Float32Array, wx: Float32Array, wy: Float32Array, lo: number, hi: number): void {
  const c = out.channels;
  const od = out.data;
  const [ow, oh] = [rect.w * s, rect.h * s];
  const plane = ow * oh;
  const k = 1 / (hi - lo);
  const base = item * out.width * out.height * c;
  // [a, b): the columns of non-zero weight; [x0, x1) within them, those of full weight.
  let a = 0;
  while (a < ow && wx[a] === 0) a++;
  let b = ow;
  while (b > a && wx[b - 1] === 0) b--;
  let x0 = a;
  while (x0 < b && wx[x0] !== 1) x0++;
  let x1 = b;
  while (x1 > x0 && wx[x1 - 1] !== 1) x1--;
  const clamp = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
  for (let y = 0; y < oh; y++) {
    const wyv = wy[y];
    if (wyv === 0) continue;
    const row = base + ((rect.y * s + y) * out.width + rect.x * s) * c;
    const p0 = y * ow;
    if (c === 1) {
      for (let x = a; x < b; x++) {
        const p = p0 + x;
        const sum = clamp((data[p] - lo) * k) + clamp((data[plane + p] - lo) * k) + clamp((data[2 * plane + p] - lo) * k);
        od[row + x] += (wyv * wx[x] * sum) / 3;
      }
      continue;
    }
    for (let ch = 0; ch < 3; ch++) {
      const from = ch * plane + p0;
      const to = row + ch;
      if (wyv === 1) {
        for (let x = a; x < x0; x++) od[to + x * c] += wx[x] * clamp((data[from + x] - lo) * k);
        for (let x = x0, o = to + x0 * c; x < x1; x++, o += c) {
          const v = (data[from + x] - lo) * k;
          od[o] = v < 0 ? 0 : v > 1 ? 1 : v;
        }
        for (let x = x1; x < b; x++) od[to + x * c] += wx[x] * clamp((data[from + x] - lo) * k);
      } else {
        for (let x = a, o = to + a * c; x < b; x++, o += c) od[o] += wyv * wx[x] * clamp((data[from + x] - lo) * k);
      }
    }
  }
}
