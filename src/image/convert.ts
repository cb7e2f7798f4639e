// Between IMAGE (NHWC in [0, 1]) and model tensors (NCHW in the model's range).
import type { Tensor } from '../runtime/tensor.ts';
import { image, type ImageValue } from './value.ts';

export type Range = readonly [number, number];

/** One batch item as [1, 3, H, W]: grey is repeated, alpha dropped (callers keep it aside). */
export function toNCHW(img: ImageValue, item = 0, range: Range = [0, 1]): Tensor {
  const { width: w, height: h, channels: c } = img;
  const plane = w * h;
  const out = new Float32Array(3 * plane);
  const [lo, hi] = range;
  const span = hi - lo;
  const src = img.data;
  // Channel-major loops with a stride: a third of the index work of a per-pixel inner loop.
  for (let ch = 0; ch < 3; ch++) {
    const dst = ch * plane;
    for (let p = 0, s = item * plane * c + (c === 1 ? 0 : ch); p < plane; p++, s += c) out[dst + p] = lo + src[s] * span;
  }
  return { dtype: 'float32', dims: [1, 3, h, w], data: out };
}

/** [B, 3, H, W] in `range` to an RGB IMAGE, clamped to [0, 1]. */
export function fromNCHW(t: Tensor, range: Range = [0, 1]): ImageValue {
  const [b, c, h, w] = t.dims;
  if (t.dims.length !== 4 || c !== 3) throw new Error(`expected an image tensor [B, 3, H, W], got [${t.dims.join(', ')}]`);
  const src = t.data as Float32Array;
  const out = image(w, h, 3, undefined, b);
  const plane = w * h;
  const [lo, hi] = range;
  const inv = 1 / (hi - lo);
  const dst = out.data;
  for (let n = 0; n < b; n++) {
    for (let ch = 0; ch < 3; ch++) {
      const from = (n * 3 + ch) * plane;
      for (let p = 0, d = n * plane * 3 + ch; p < plane; p++, d += 3) {
        const v = (src[from + p] - lo) * inv;
        dst[d] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
  }
  return out;
}
