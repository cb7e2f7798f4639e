// Latents to pictures through a VAE decoder: VAE Decode's kernel and Denoise's decoded previews share it,
// so a preview is exactly what VAE Decode would give for that latent.
import { fromNCHW } from '../../src/image/convert.ts';
import type { ImageValue } from '../../src/image/value.ts';
import { openFor } from '../../src/models/contracts/contract.ts';
import { VAE_DECODER } from '../../src/models/contracts/vaeDecoder.ts';
import { asFloat } from '../../src/runtime/half.ts';
import { latentLayout, type ModelManifest } from '../../src/runtime/manifest.ts';
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
  return { info, dtype: facts.dtype, scale: latentLayout(manifest).scalingFactor, channels: facts.latentChannels ?? manifest.latent?.channels };
}

/**
 * Item n of latents [B, C, h, w] as an image in [0, 1] (decoders give [-1, 1]). The latest decode per
 * decoder is kept (one item, in the engine's memory): Denoise's last decoded preview is of the latent it
 * outputs, so the VAE Decode after it gets that picture without a second run of the decoder.
 */
export async function decodeItem(runtime: Runtime, decoder: Decoder, latents: Tensor, n: number, signal: AbortSignal): Promise<ImageValue> {
  const [, c, h, w] = latents.dims;
  const item = c * h * w;
  const latent = (latents.data as Float32Array).subarray(n * item, (n + 1) * item);
  const key = `latest-decode:${decoder.info.key}`;
  const last = runtime.memory.get(key) as LatestDecode | undefined;
  if (last && last.scale === decoder.scale && sameDims(last.dims, [c, h, w]) && sameBits(last.latent, latent)) return copyImage(last.image);
  const data = Float32Array.from(latent, (v) => v / decoder.scale);
  const out = await runtime.run(decoder.info, { latent_sample: asFloat({ dtype: 'float32', dims: [1, c, h, w], data }, decoder.dtype) }, signal);
  const image = fromNCHW(asFloat(out.sample, 'float32'), [-1, 1], true); // the output tensor becomes the image
  runtime.memory.set(key, { scale: decoder.scale, dims: [c, h, w], latent: latent.slice(), image: copyImage(image) } satisfies LatestDecode);
  return image;
}

/** A decode kept for the next call: its own copies, so no caller's later use can change it. */
interface LatestDecode { scale: number; dims: number[]; latent: Float32Array; image: ImageValue }

const sameDims = (a: number[], b: number[]) => a.length === b.length && a.every((v, i) => v === b[i]);

/** Bit for bit, so -0 and NaN latents are told apart as the decoder would see them. */
function sameBits(a: Float32Array, b: Float32Array): boolean {
  if (a.length !== b.length) return false;
  const [x, y] = [new Uint32Array(a.buffer, a.byteOffset, a.length), new Uint32Array(b.buffer, b.byteOffset, b.length)];
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return false;
  return true;
}

const copyImage = (img: ImageValue): ImageValue => ({ ...img, data: img.data.slice() });
