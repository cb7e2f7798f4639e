// Between IMAGE (NHWC in [0, 1]) and model tensors (NCHW in the model's range).
import type { Tensor } from '../../src/runtime/tensor.ts';
import { image, type ImageValue } from '../values.ts';

export type Range = readonly [number, number];

/** One batch item as [1, 3, H, W]: grey is repeated, alpha dropped (callers keep it aside). */
export function toNCHW(img: ImageValue, item = 0, range: Range = [0, 1]): Tensor {
  const { width: w, height: h, channels: c } = img;
  const plane = w * h;
  const out = new Float32Array(3 * plane);
  const [lo, hi] = range;
  const base = item * plane * c;
  for (let p = 0; p < plane; p++) {
    for (let ch = 0; ch < 3; ch++) {
      const v = img.data[base + p * c + (c === 1 ? 0 : ch)];
      out[ch * plane + p] = lo + v * (hi - lo);
    }
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
  for (let n = 0; n < b; n++) {
    for (let p = 0; p < plane; p++) {
      for (let ch = 0; ch < 3; ch++) {
        const v = (src[(n * 3 + ch) * plane + p] - lo) / (hi - lo);
        out.data[(n * plane + p) * 3 + ch] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
  }
  return out;
}
