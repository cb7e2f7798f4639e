// Cheap previews: a linear latent-to-RGB map from the model manifest (to RGB in [-1, 1]), at latent resolution.
import type { ModelManifest } from '../../src/runtime/manifest.ts';
import type { Tensor } from '../../src/runtime/tensor.ts';
import { image, type ImageValue } from '../../src/image/value.ts';

/** The first batch item of latents [B, C, h, w] as an RGB image. */
export function latentPreview(latent: Tensor, manifest: ModelManifest): ImageValue {
  const [, c, h, w] = latent.dims;
  const data = latent.data as Float32Array;
  const map = manifest.latent?.rgbMap;
  const bias = manifest.latent?.rgbBias ?? [0, 0, 0];
  const out = image(w, h, 3);
  const plane = w * h;
  for (let p = 0; p < plane; p++) {
    for (let ch = 0; ch < 3; ch++) {
      let v: number;
      if (map && map.length === c) {
        v = bias[ch];
        for (let k = 0; k < c; k++) v += map[k][ch] * data[k * plane + p];
        v = (v + 1) / 2;
      } else {
        v = (data[Math.min(ch, c - 1) * plane + p] + 1) / 2; // no map: show the first channels as they are
      }
      out.data[p * 3 + ch] = v < 0 ? 0 : v > 1 ? 1 : v;
    }
  }
  return out;
}
