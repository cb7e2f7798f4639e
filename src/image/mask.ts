// The MASK wire value: one float per pixel in [0, 1] (1 = the area to change, or to take from the
// source), with a batch. Plain data; Paint Mask (paint.ts) makes one from brush strokes.
import { resizeImage } from './resize.ts';
import { image, type ImageValue } from './value.ts';

export interface MaskValue {
  kind: 'mask';
  batch: number;
  width: number;
  height: number;
  data: Float32Array;
}

export function mask(width: number, height: number, data?: Float32Array, batch = 1): MaskValue {
  const n = batch * width * height;
  if (data && data.length !== n) throw new Error(`mask ${width}x${height} (batch ${batch}) needs ${n} values, got ${data.length}`);
  return { kind: 'mask', batch, width, height, data: data ?? new Float32Array(n) };
}

export function isMask(v: unknown): v is MaskValue {
  return typeof v === 'object' && v !== null && (v as MaskValue).kind === 'mask' && (v as MaskValue).data instanceof Float32Array;
}

/** Item `n` of a mask (the last one when the mask has fewer items: a one-item mask serves every item). */
export function maskItem(m: MaskValue, n: number): Float32Array {
  const plane = m.width * m.height;
  const i = Math.min(n, m.batch - 1);
  return m.data.subarray(i * plane, (i + 1) * plane);
}

/** The mask at another size (bilinear), as one-channel image resampling does it. */
export function resizeMask(m: MaskValue, width: number, height: number): MaskValue {
  if (m.width === width && m.height === height) return m;
  const out = resizeImage(image(m.width, m.height, 1, m.data, m.batch), width, height, 'bilinear');
  return mask(width, height, out.data.map((v) => Math.min(Math.max(v, 0), 1)), m.batch);
}

/** A mask from an image: its alpha, one of its colour channels, or its luminance. */
export function maskFromImage(img: ImageValue, channel: 'alpha' | 'red' | 'green' | 'blue' | 'luminance'): MaskValue {
  const { width, height, batch, channels: c } = img;
  const n = batch * width * height;
  const out = new Float32Array(n);
  if (channel === 'alpha' && c !== 4) throw new Error(`the image has no alpha channel (it has ${c} channel${c === 1 ? '' : 's'})`);
  const pick = { red: 0, green: 1, blue: 2, alpha: 3 } as const;
  for (let p = 0; p < n; p++) {
    const s = p * c;
    if (c === 1) out[p] = img.data[s];
    else if (channel === 'luminance') out[p] = 0.299 * img.data[s] + 0.587 * img.data[s + 1] + 0.114 * img.data[s + 2];
    else out[p] = img.data[s + pick[channel]];
  }
  return mask(width, height, out, batch);
}

/** Every value at or above `at` becomes 1, the rest 0. */
export function thresholdMask(m: MaskValue, at: number): MaskValue {
  return mask(m.width, m.height, m.data.map((v) => (v >= at ? 1 : 0)), m.batch);
}

export function invertMask(m: MaskValue): MaskValue {
  return mask(m.width, m.height, m.data.map((v) => 1 - v), m.batch);
}

/**
 * Grown by `px` pixels (a square neighbourhood's maximum), or shrunk for a negative `px` (its
 * minimum): separable, so a pixel's new value is the max (min) over the (2|px|+1)^2 square around it.
 */
export function growMask(m: MaskValue, px: number): MaskValue {
  if (px === 0) return m;
  const r = Math.abs(px);
  const pick = px > 0 ? Math.max : Math.min;
  const { width: w, height: h } = m;
  const out = new Float32Array(m.data.length);
  const row = new Float32Array(w * h);
  for (let n = 0; n < m.batch; n++) {
    const src = m.data.subarray(n * w * h, (n + 1) * w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let v = src[y * w + x];
        for (let k = Math.max(0, x - r); k <= Math.min(w - 1, x + r); k++) v = pick(v, src[y * w + k]);
        row[y * w + x] = v;
      }
    }
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let v = row[y * w + x];
        for (let k = Math.max(0, y - r); k <= Math.min(h - 1, y + r); k++) v = pick(v, row[k * w + x]);
        out[n * w * h + y * w + x] = v;
      }
    }
  }
  return mask(w, h, out, m.batch);
}

/** Edges softened by a Gaussian blur of standard deviation radius / 2 (out to 3 standard deviations), edges clamped. */
export function featherMask(m: MaskValue, radius: number): MaskValue {
  if (radius <= 0) return m;
  const sigma = radius / 2;
  const reach = Math.ceil(3 * sigma);
  const kernel = Array.from({ length: 2 * reach + 1 }, (_, i) => Math.exp(-((i - reach) ** 2) / (2 * sigma * sigma)));
  const total = kernel.reduce((a, b) => a + b, 0);
  const k = kernel.map((v) => v / total);
  const { width: w, height: h } = m;
  const out = new Float32Array(m.data.length);
  const tmp = new Float32Array(w * h);
  for (let n = 0; n < m.batch; n++) {
    const src = m.data.subarray(n * w * h, (n + 1) * w * h);
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let i = -reach; i <= reach; i++) s += k[i + reach] * src[y * w + Math.min(w - 1, Math.max(0, x + i))];
        tmp[y * w + x] = s;
      }
    }
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        let s = 0;
        for (let i = -reach; i <= reach; i++) s += k[i + reach] * tmp[Math.min(h - 1, Math.max(0, y + i)) * w + x];
        out[n * w * h + y * w + x] = Math.min(1, Math.max(0, s));
      }
    }
  }
  return mask(w, h, out, m.batch);
}

/** The mask as a grey image, to look at or save. */
export function maskToImage(m: MaskValue): ImageValue {
  return image(m.width, m.height, 1, m.data.slice(), m.batch);
}

export interface Padding { left: number; top: number; right: number; bottom: number }

/**
 * Outpainting: the canvas extended by the given pixels per side, the new area filled with grey 0.5
 * (as ComfyUI's Pad Image for Outpainting), and a mask that is 1 there and 0 over the original image.
 */
export function padImage(img: ImageValue, p: Padding): { image: ImageValue; mask: MaskValue } {
  const w = img.width + p.left + p.right;
  const h = img.height + p.top + p.bottom;
  const c = img.channels;
  const out = image(w, h, c, undefined, img.batch);
  const m = mask(w, h, new Float32Array(w * h).fill(1), 1);
  for (let y = 0; y < img.height; y++) m.data.fill(0, (y + p.top) * w + p.left, (y + p.top) * w + p.left + img.width);
  for (let n = 0; n < img.batch; n++) {
    for (let i = 0; i < w * h; i++) {
      for (let k = 0; k < c; k++) out.data[(n * w * h + i) * c + k] = c === 4 && k === 3 ? 1 : 0.5;
    }
    for (let y = 0; y < img.height; y++) {
      const from = (n * img.height + y) * img.width * c;
      out.data.set(img.data.subarray(from, from + img.width * c), ((n * h + y + p.top) * w + p.left) * c);
    }
  }
  return { image: out, mask: m };
}

/**
 * The image with its masked pixels (mask >= 0.5, the mask resized to the image if needed) set to grey
 * 0.5: diffusers' init_image * (mask < 0.5) in [-1, 1]. Alpha, if any, is kept.
 */
export function maskedImageOf(img: ImageValue, m: MaskValue): ImageValue {
  const mk = resizeMask(m, img.width, img.height);
  const out = image(img.width, img.height, img.channels, img.data.slice(), img.batch);
  const plane = img.width * img.height;
  const colours = img.channels === 4 ? 3 : img.channels;
  for (let n = 0; n < img.batch; n++) {
    const weights = maskItem(mk, n);
    for (let p = 0; p < plane; p++) {
      if (weights[p] < 0.5) continue;
      for (let k = 0; k < colours; k++) out.data[(n * plane + p) * img.channels + k] = 0.5;
    }
  }
  return out;
}
