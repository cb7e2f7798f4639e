// Latent crop, paste and blend on [B, C, h, w] tensors; positions and sizes come in pixels and are
// divided by the model's downscale (8 for SD), as ComfyUI's latent nodes take them.
import { interpolate } from '../../src/diffusion/interpolate.ts';
import { clip, type Rect } from '../../src/image/compose.ts';
import { maskItem, type MaskValue } from '../../src/image/mask.ts';
import type { LatentValue } from '../../src/kernel/values.ts';

export const DOWNSCALE = 8;

/** A latent with new data: no generator or schedule progress (it is no longer what they describe). */
export function latentOf(dims: number[], data: Float32Array): LatentValue {
  return { kind: 'latent', tensor: { dtype: 'float32', dims, data } };
}

/** Pixels to latent cells: multiples of the downscale only. */
export function cells(px: number, what: string): number {
  if (px % DOWNSCALE) throw new Error(`${what} ${px} is not a multiple of ${DOWNSCALE} pixels (one latent cell)`);
  return px / DOWNSCALE;
}

export function cropLatent(latent: LatentValue, r: Rect): LatentValue {
  const [b, c, h, w] = latent.tensor.dims;
  const src = latent.tensor.data as Float32Array;
  const k = clip(r, w, h, 'the crop (in latent cells)');
  const out = new Float32Array(b * c * k.height * k.width);
  for (let p = 0; p < b * c; p++) {
    for (let y = 0; y < k.height; y++) {
      const from = (p * h + k.y + y) * w + k.x;
      out.set(src.subarray(from, from + k.width), (p * k.height + y) * k.width);
    }
  }
  return latentOf([b, c, k.height, k.width], out);
}

/**
 * The source pasted onto the destination at cell (x, y); with a mask (resized to the source's cells,
 * bilinear, as ComfyUI's masked composite does), out = source * m + destination * (1 - m).
 */
export function compositeLatent(dest: LatentValue, source: LatentValue, x: number, y: number, m?: MaskValue): LatentValue {
  const [b, c, h, w] = dest.tensor.dims;
  const [sb, sc, sh, sw] = source.tensor.dims;
  if (sc !== c) throw new Error(`the source has ${sc} latent channels, the destination ${c}`);
  const region = clip({ x, y, width: sw, height: sh }, w, h, 'the pasted latent (in latent cells)');
  const out = (dest.tensor.data as Float32Array).slice();
  const src = source.tensor.data as Float32Array;
  const weights = m ? interpolate(m.data, [m.batch, 1, m.height, m.width], sh, sw, 'bilinear') : undefined;
  const weightMask: MaskValue | undefined = weights && m ? { kind: 'mask', batch: m.batch, width: sw, height: sh, data: weights } : undefined;
  for (let n = 0; n < b; n++) {
    const sn = Math.min(n, sb - 1);
    const wts = weightMask ? maskItem(weightMask, n) : undefined;
    for (let ch = 0; ch < c; ch++) {
      for (let yy = region.y; yy < region.y + region.height; yy++) {
        for (let xx = region.x; xx < region.x + region.width; xx++) {
          const sp = (yy - y) * sw + (xx - x);
          const s = src[((sn * c + ch) * sh) * sw + sp];
          const d = ((n * c + ch) * h + yy) * w + xx;
          const wt = wts ? wts[sp] : 1;
          out[d] = wts ? s * wt + out[d] * (1 - wt) : s;
        }
      }
    }
  }
  return latentOf([b, c, h, w], out);
}

/** a * factor + b * (1 - factor), as ComfyUI's Latent Blend; the shapes must match. */
export function blendLatents(a: LatentValue, b: LatentValue, factor: number): LatentValue {
  const [da, db] = [a.tensor.dims, b.tensor.dims];
  if (da.join() !== db.join()) throw new Error(`cannot blend latents [${da.join(', ')}] and [${db.join(', ')}]: the shapes differ`);
  const x = a.tensor.data as Float32Array;
  const y = b.tensor.data as Float32Array;
  return latentOf([...da], x.map((v, i) => v * factor + y[i] * (1 - factor)));
}
