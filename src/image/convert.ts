// Between IMAGE (NHWC in [0, 1]) and model tensors (NCHW in the model's range).
// Model runs in a chain allocate a tensor in, a tensor out and an image per call; each is as big as the
// image. Inputs are lent from a small pool and handed back after the run, and an output tensor becomes
// the image's own buffer, so a call allocates only what it keeps (measured: `npm run bench -- executor`).
import type { Tensor } from '../runtime/tensor.ts';
import { image, type ImageValue } from './value.ts';

export type Range = readonly [number, number];

/** One batch item as [1, 3, H, W]: grey is repeated, alpha dropped (callers keep it aside). */
export function toNCHW(img: ImageValue, item = 0, range: Range = [0, 1], into?: Float32Array): Tensor {
  const { width: w, height: h, channels: c } = img;
  const plane = w * h;
  const out = into ?? new Float32Array(3 * plane);
  if (out.length !== 3 * plane) throw new Error(`a [1, 3, ${h}, ${w}] tensor needs ${3 * plane} values, the buffer has ${out.length}`);
  const [lo, hi] = range;
  const span = hi - lo;
  const src = img.data;
  // Pixel-major: one sequential read stream and three sequential write streams (1.4-1.6x faster than a
  // channel-major loop reading with a stride, measured on 192 to 3072 px images).
  const at = item * plane * c;
  if (c === 1) {
    for (let p = 0; p < plane; p++) out[p] = out[plane + p] = out[2 * plane + p] = lo + src[at + p] * span;
  } else {
    for (let p = 0, s = at; p < plane; p++, s += c) {
      out[p] = lo + src[s] * span;
      out[plane + p] = lo + src[s + 1] * span;
      out[2 * plane + p] = lo + src[s + 2] * span;
    }
  }
  return { dtype: 'float32', dims: [1, 3, h, w], data: out };
}

/**
 * [B, 3, H, W] in `range` to an RGB IMAGE, clamped to [0, 1]. With `reuse`, the tensor's own buffer becomes
 * the image's (the tensor is spent): for a model's output that nothing else reads.
 */
export function fromNCHW(t: Tensor, range: Range = [0, 1], reuse = false): ImageValue {
  const [b, c, h, w] = t.dims;
  if (t.dims.length !== 4 || c !== 3) throw new Error(`expected an image tensor [B, 3, H, W], got [${t.dims.join(', ')}]`);
  const plane = w * h;
  let src = t.data as Float32Array;
  let out: ImageValue;
  if (reuse && src instanceof Float32Array) {
    out = image(w, h, 3, src, b);
    src = scratch(src.length);
    src.set(out.data);
  } else out = image(w, h, 3, undefined, b);
  const [lo, hi] = range;
  const inv = 1 / (hi - lo);
  const dst = out.data;
  // Pixel-major, as in toNCHW: three sequential reads, one sequential write stream.
  const clamp = (v: number) => (v < 0 ? 0 : v > 1 ? 1 : v);
  for (let n = 0; n < b; n++) {
    const r = n * 3 * plane;
    for (let p = 0, d = n * plane * 3; p < plane; p++, d += 3) {
      dst[d] = clamp((src[r + p] - lo) * inv);
      dst[d + 1] = clamp((src[r + plane + p] - lo) * inv);
      dst[d + 2] = clamp((src[r + 2 * plane + p] - lo) * inv);
    }
  }
  return out;
}

/** One model run on an image tensor lent from the pool, which takes the buffer back after the run. */
export async function withNCHW<T>(img: ImageValue, item: number, range: Range, use: (t: Tensor) => Promise<T>): Promise<T> {
  const n = 3 * img.width * img.height;
  const buf = lent.get(n)?.pop() ?? new Float32Array(n);
  try {
    return await use(toNCHW(img, item, range, buf));
  } finally {
    const free = lent.get(n) ?? [];
    if (free.length < POOL_PER_SIZE) free.push(buf);
    lent.set(n, free);
    if (lent.size > POOL_SIZES) lent.delete(lent.keys().next().value!); // sizes seen longest ago go first
  }
}

const POOL_PER_SIZE = 2;
const POOL_SIZES = 4;
/** Input buffers free for the next run, by length. */
const lent = new Map<number, Float32Array[]>();

/** One buffer for synchronous copies only: no caller holds it past a return. */
let spare = new Float32Array(0);
function scratch(n: number): Float32Array {
  if (spare.length < n) spare = new Float32Array(n);
  return spare.subarray(0, n);
}
