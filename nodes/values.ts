// What travels on each kind of wire. Plain data with typed arrays, so it crosses workers by transfer.
import type { ModelManifest } from '../src/runtime/manifest.ts';
import type { Tensor } from '../src/runtime/tensor.ts';

/** Images are batches of float pixels in [0, 1], channels last (NHWC). */
export interface ImageValue {
  kind: 'image';
  batch: number;
  width: number;
  height: number;
  channels: 1 | 3 | 4;
  data: Float32Array;
}

/** A model on a wire: which stored model, and its manifest. Sessions stay in the runtime. */
export interface ModelHandle {
  kind: 'model';
  id: string;
  manifest: ModelManifest;
}

export interface WireTypes {
  TEXT: string;
  INT: number;
  SEED: number;
  FLOAT: number;
  IMAGE: ImageValue;
  TENSOR: Tensor;
  MODEL: ModelHandle;
  TEXT_ENCODER: ModelHandle;
  UNET: ModelHandle;
  VAE: ModelHandle;
  UPSCALER: ModelHandle;
  GAN: ModelHandle;
}

export function image(width: number, height: number, channels: 1 | 3 | 4, data?: Float32Array, batch = 1): ImageValue {
  const n = batch * width * height * channels;
  if (data && data.length !== n) throw new Error(`image ${width}x${height}x${channels} (batch ${batch}) needs ${n} values, got ${data.length}`);
  return { kind: 'image', batch, width, height, channels, data: data ?? new Float32Array(n) };
}
