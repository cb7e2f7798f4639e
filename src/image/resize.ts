// Separable resampling of IMAGE values. Pixel centres sit at i + 0.5 (no corner alignment).
// Bilinear and bicubic follow Pillow: when shrinking, the filter widens by the factor (antialiasing),
// and taps that fall outside the image are dropped with the remaining weights renormalised.
// Area averages the exact source interval each output pixel covers.
import { image, type ImageValue } from './value.ts';

export const RESIZE_FILTERS = ['nearest', 'bilinear', 'bicubic', 'area'] as const;
export type ResizeFilter = (typeof RESIZE_FILTERS)[number];

interface Taps { start: Int32Array; count: Int32Array; weights: Float64Array; stride: number }

/** Cubic convolution with a = -0.5 (Keys; Pillow's BICUBIC). */
function cubic(x: number): number {
  const a = -0.5;
  x = Math.abs(x);
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

function triangle(x: number): number {
  x = Math.abs(x);
  return x < 1 ? 1 - x : 0;
}

/** For each output index along one axis: the first source index and the weights of its taps. */
export function axisTaps(inSize: number, outSize: number, filter: ResizeFilter): Taps {
  const scale = inSize / outSize;
  const lists: { start: number; w: number[] }[] = [];
  for (let i = 0; i < outSize; i++) {
    if (filter === 'nearest') {
      lists.push({ start: Math.min(inSize - 1, Math.floor((i + 0.5) * scale)), w: [1] });
    } else if (filter === 'area') {
      const lo = i * scale;
      const hi = (i + 1) * scale;
      const first = Math.floor(lo);
      const w: number[] = [];
      for (let j = first; j < Math.min(inSize, Math.ceil(hi)); j++) w.push((Math.min(hi, j + 1) - Math.max(lo, j)) / scale);
      lists.push({ start: first, w });
    } else {
      const f = filter === 'bicubic' ? cubic : triangle;
      const stretch = Math.max(scale, 1);
      const support = (filter === 'bicubic' ? 2 : 1) * stretch;
      const centre = (i + 0.5) * scale;
      const first = Math.max(0, Math.trunc(centre - support + 0.5));
      const last = Math.min(inSize, Math.trunc(centre + support + 0.5));
      const w: number[] = [];
      for (let j = first; j < last; j++) w.push(f((j + 0.5 - centre) / stretch));
      const sum = w.reduce((a, b) => a + b, 0);
      lists.push({ start: first, w: w.map((x) => x / sum) });
    }
  }
  const stride = Math.max(...lists.map((l) => l.w.length));
  const taps: Taps = { start: new Int32Array(outSize), count: new Int32Array(outSize), weights: new Float64Array(outSize * stride), stride };
  lists.forEach((l, i) => {
    taps.start[i] = l.start;
    taps.count[i] = l.w.length;
    taps.weights.set(l.w, i * stride);
  });
  return taps;
}

/** A new image of `width` x `height`, every batch item and channel resampled; values stay in [0, 1]. */
export function resizeImage(img: ImageValue, width: number, height: number, filter: ResizeFilter): ImageValue {
  const { width: w0, height: h0, channels: c, batch } = img;
  if (width === w0 && height === h0) return image(width, height, c, img.data.slice(), batch);
  const out = image(width, height, c, undefined, batch);
  const tx = axisTaps(w0, width, filter);
  const ty = axisTaps(h0, height, filter);
  const row = new Float64Array(width * c);
  const tmp = new Float32Array(h0 * width * c); // horizontal pass of one item
  for (let b = 0; b < batch; b++) {
    const src = img.data.subarray(b * w0 * h0 * c, (b + 1) * w0 * h0 * c);
    for (let y = 0; y < h0; y++) {
      row.fill(0);
      const srow = y * w0 * c;
      for (let x = 0; x < width; x++) {
        const s = tx.start[x];
        for (let k = 0; k < tx.count[x]; k++) {
          const wt = tx.weights[x * tx.stride + k];
          const at = srow + (s + k) * c;
          for (let ch = 0; ch < c; ch++) row[x * c + ch] += wt * src[at + ch];
        }
      }
      tmp.set(row, y * width * c);
    }
    const dst = out.data.subarray(b * width * height * c, (b + 1) * width * height * c);
    const line = width * c;
    for (let y = 0; y < height; y++) {
      row.fill(0);
      const s = ty.start[y];
      for (let k = 0; k < ty.count[y]; k++) {
        const wt = ty.weights[y * ty.stride + k];
        const at = (s + k) * line;
        for (let i = 0; i < line; i++) row[i] += wt * tmp[at + i];
      }
      for (let i = 0; i < line; i++) {
        const v = row[i];
        dst[y * line + i] = v < 0 ? 0 : v > 1 ? 1 : v;
      }
    }
  }
  return out;
}
