// What a Denoise step shows while it runs: its predicted final image decoded (by the VAE or a preview
// decoder wired into preview_decoder), or else its predicted final latent through a linear
// latent-to-RGB map from the model manifest (to RGB in [-1, 1]), at latent resolution.
import type { ModelManifest } from '../../src/runtime/manifest.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';
import type { Tensor } from '../../src/runtime/tensor.ts';
import { image, type ImageValue } from '../../src/image/value.ts';
import type { ModelHandle, Preview } from '../../src/kernel/define.ts';
import { decodeItem, openDecoder, type Decoder } from './decode.ts';

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

/** A decoder for previews, and how captions name it. */
export interface Previewer { decoder: Decoder; by: string }

/** Opens the decoder wired into preview_decoder, checked against the UNet's latents before any step runs. */
export async function openPreviewer(runtime: Runtime, handle: ModelHandle, channels: number): Promise<Previewer> {
  const { manifest } = handle;
  const by = manifest.kind === 'stable-diffusion' ? `${manifest.title}'s VAE` : manifest.title;
  let decoder: Decoder;
  try {
    decoder = await openDecoder(runtime, manifest);
  } catch (e) {
    throw new Error(`preview_decoder: ${(e as Error).message}`);
  }
  if (decoder.channels !== undefined && decoder.channels !== channels) {
    throw new Error(`preview_decoder: ${by} decodes ${decoder.channels}-channel latents; this UNet's have ${channels}`);
  }
  return { decoder, by };
}

/** A step's latent (its first batch item) decoded: what VAE Decode gives for it. */
export async function decodedPreview(runtime: Runtime, previewer: Previewer, latent: Tensor, signal: AbortSignal): Promise<Preview> {
  return { image: await decodeItem(runtime, previewer.decoder, latent, 0, signal), shows: 'decoded', by: previewer.by };
}
