// Interleaved integer pixels from decoders to IMAGE floats in [0, 1], whatever channel layout each side has.
import { image, type ImageValue } from './value.ts';

/**
 * `src` holds `srcChannels` samples per pixel (1 grey, 2 grey+alpha, 3 RGB, 4 RGBA) up to `max`.
 * Grey spreads to RGB, a missing alpha is opaque, extra channels are dropped.
 */
export function toImage(src: ArrayLike<number>, width: number, height: number, srcChannels: number, channels: 1 | 3 | 4, max = 255): ImageValue {
  const out = image(width, height, channels);
  const d = out.data;
  const n = width * height;
  const scale = 1 / max;
  for (let p = 0; p < n; p++) {
    const s = p * srcChannels;
    const o = p * channels;
    if (channels === 1) {
      d[o] = src[s] * scale;
      continue;
    }
    const colour = srcChannels >= 3;
    d[o] = src[s] * scale;
    d[o + 1] = src[colour ? s + 1 : s] * scale;
    d[o + 2] = src[colour ? s + 2 : s] * scale;
    if (channels === 4) {
      const a = srcChannels === 2 ? s + 1 : srcChannels === 4 ? s + 3 : -1;
      d[o + 3] = a < 0 ? 1 : src[a] * scale;
    }
  }
  return out;
}
