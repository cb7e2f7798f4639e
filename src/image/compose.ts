// Crop, paste (with an optional mask) and blend, for images; the same rules serve latents (NCHW).
import { maskItem, resizeMask, type MaskValue } from './mask.ts';
import { image, type ImageValue } from './value.ts';

export interface Rect { x: number; y: number; width: number; height: number }

/** The rectangle clipped to a w x h area; refused when nothing of it is inside. */
export function clip(r: Rect, w: number, h: number, what: string): Rect {
  const x0 = Math.max(0, r.x);
  const y0 = Math.max(0, r.y);
  const x1 = Math.min(w, r.x + r.width);
  const y1 = Math.min(h, r.y + r.height);
  if (x1 <= x0 || y1 <= y0) throw new Error(`${what} ${r.width}x${r.height} at (${r.x}, ${r.y}) lies outside the ${w}x${h} area`);
  return { x: x0, y: y0, width: x1 - x0, height: y1 - y0 };
}

/** The image with `channels` channels: grey repeated, alpha added as 1 or dropped. */
export function withChannels(img: ImageValue, channels: 1 | 3 | 4): ImageValue {
  if (img.channels === channels) return img;
  const n = img.batch * img.width * img.height;
  const out = image(img.width, img.height, channels, undefined, img.batch);
  for (let p = 0; p < n; p++) {
    const s = p * img.channels;
    const rgb = img.channels === 1 ? [img.data[s], img.data[s], img.data[s]] : [img.data[s], img.data[s + 1], img.data[s + 2]];
    const a = img.channels === 4 ? img.data[s + 3] : 1;
    if (channels === 1) out.data[p] = 0.299 * rgb[0] + 0.587 * rgb[1] + 0.114 * rgb[2];
    else {
      out.data.set(rgb, p * channels);
      if (channels === 4) out.data[p * 4 + 3] = a;
    }
  }
  return out;
}

export function cropImage(img: ImageValue, r: Rect): ImageValue {
  const c = clip(r, img.width, img.height, 'the crop');
  const out = image(c.width, c.height, img.channels, undefined, img.batch);
  const ch = img.channels;
  for (let n = 0; n < img.batch; n++) {
    for (let y = 0; y < c.height; y++) {
      const from = ((n * img.height + c.y + y) * img.width + c.x) * ch;
      out.data.set(img.data.subarray(from, from + c.width * ch), ((n * c.height + y) * c.width) * ch);
    }
  }
  return out;
}

/**
 * The source pasted onto the destination with its top-left corner at (x, y), parts outside dropped;
 * with a mask (at the source's size, resized if not), out = source * m + destination * (1 - m).
 * The result has the destination's size and channels; a one-item source or mask serves every item.
 */
export function compositeImage(dest: ImageValue, source: ImageValue, x: number, y: number, m?: MaskValue): ImageValue {
  const src = withChannels(source, dest.channels);
  const region = clip({ x, y, width: src.width, height: src.height }, dest.width, dest.height, 'the pasted image');
  const mk = m ? resizeMask(m, src.width, src.height) : undefined;
  const out = image(dest.width, dest.height, dest.channels, dest.data.slice(), dest.batch);
  const ch = dest.channels;
  for (let n = 0; n < dest.batch; n++) {
    const sn = Math.min(n, src.batch - 1);
    const weights = mk ? maskItem(mk, n) : undefined;
    for (let yy = region.y; yy < region.y + region.height; yy++) {
      for (let xx = region.x; xx < region.x + region.width; xx++) {
        const sp = (yy - y) * src.width + (xx - x);
        const w = weights ? weights[sp] : 1;
        const d = ((n * dest.height + yy) * dest.width + xx) * ch;
        const s = (sn * src.height * src.width + sp) * ch;
        for (let k = 0; k < ch; k++) out.data[d + k] = src.data[s + k] * w + out.data[d + k] * (1 - w);
      }
    }
  }
  return out;
}

/** a * factor + b * (1 - factor), pixel by pixel; the sizes must match (b's channels follow a's). */
export function blendImages(a: ImageValue, b: ImageValue, factor: number): ImageValue {
  if (a.width !== b.width || a.height !== b.height) throw new Error(`cannot blend a ${a.width}x${a.height} image with a ${b.width}x${b.height} one (resize one first)`);
  const bb = withChannels(b, a.channels);
  const out = image(a.width, a.height, a.channels, undefined, Math.max(a.batch, bb.batch));
  const item = a.width * a.height * a.channels;
  for (let n = 0; n < out.batch; n++) {
    const ao = Math.min(n, a.batch - 1) * item;
    const bo = Math.min(n, bb.batch - 1) * item;
    for (let i = 0; i < item; i++) out.data[n * item + i] = a.data[ao + i] * factor + bb.data[bo + i] * (1 - factor);
  }
  return out;
}
