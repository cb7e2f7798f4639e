// Latents to pictures through a VAE decoder: VAE Decode's kernel and Denoise's decoded previews share it,
// so a preview is exactly what VAE Decode would give for that latent.
import { fromNCHW } from '../../src/image/convert.ts';
import type { ImageValue } from '../../src/image/value.ts';
import { openFor } from '../../src/models/contracts/contract.ts';
import { VAE_DECODER } from '../../src/models/contracts/vaeDecoder.ts';
import { asFloat } from '../../src/runtime/half.ts';
import type { ModelManifest } from '../../src/runtime/manifest.ts';
import type { ModelInfo, Runtime } from '../../src/runtime/runtime.ts';
import type { Tensor } from '../../src/runtime/tensor.ts';

export interface Decoder {
  info: ModelInfo;
  dtype: string;
  /** Latents are divided by it first (an SD VAE's 0.18215; TAESD's 1). */
  scale: number;
  /** The latent channels it takes, when the file or its manifest says. */
  channels?: number;
}

export async function openDecoder(runtime: Runtime, manifest: ModelManifest): Promise<Decoder> {
  const { info, facts } = await openFor(runtime, manifest, VAE_DECODER);
  return { info, dtype: facts.dtype, scale: manifest.latent?.scalingFactor ?? 0.18215, channels: facts.latentChannels ?? manifest.latent?.channels };
}

/** Item n of latents [B, C, h, w] as an image in [0, 1] (decoders give [-1, 1]). */
export async function decodeItem(runtime: Runtime, decoder: Decoder, latents: Tensor, n: number, signal: AbortSignal): Promise<ImageValue> {
  const [, c, h, w] = latents.dims;
  const item = c * h * w;
  const src = latents.data as Float32Array;
  const data = Float32Array.from(src.subarray(n * item, (n + 1) * item), (v) => v / decoder.scale);
  const out = await runtime.run(decoder.info, { latent_sample: asFloat({ dtype: 'float32', dims: [1, c, h, w], data }, decoder.dtype) }, signal);
  return fromNCHW(asFloat(out.sample, 'float32'), [-1, 1], true); // the output tensor becomes the image
}
