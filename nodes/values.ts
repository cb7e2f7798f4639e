// What travels on each kind of wire. Plain data with typed arrays, so it crosses workers by transfer.
import type { ModelManifest } from '../src/runtime/manifest.ts';
import type { Schedule, SchedulerState } from '../src/diffusion/schedulers/common.ts';
import type { TorchGeneratorState } from '../src/diffusion/torchRandom.ts';
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

/** Text encoder output, [B, 77, D], with the text it came from. */
export interface ConditioningValue {
  kind: 'conditioning';
  tensor: Tensor;
  text: string;
}

/** Latents [B, C, h, w] in the UNet's space. `generator` continues the seed's noise stream (ancestral steps). */
export interface LatentValue {
  kind: 'latent';
  tensor: Tensor;
  generator?: TorchGeneratorState;
  /** Set when the latent is part-way through a schedule, so another Denoise can carry on from it. */
  progress?: { schedule: string; stepsDone: number; state: SchedulerState };
}

export interface ScheduleValue {
  kind: 'schedule';
  schedule: Schedule;
}

/** Everything a Denoise run went through: step i's latent after the step and its predicted clean latent. */
export interface StepsValue {
  kind: 'steps';
  /** Indices into the schedule of the recorded steps. */
  indices: number[];
  timesteps: number[];
  latents: Tensor[];
  denoised: Tensor[];
  /** Cheap previews of each step's predicted clean image (latent-to-RGB map), at latent size. */
  previews: ImageValue[];
}

export interface WireTypes {
  TEXT: string;
  INT: number;
  SEED: number;
  FLOAT: number;
  IMAGE: ImageValue;
  TENSOR: Tensor;
  MODEL: ModelHandle;
  CONDITIONING: ConditioningValue;
  LATENT: LatentValue;
  SCHEDULE: ScheduleValue;
  STEPS: StepsValue;
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

/** Single images of one size as one batch (a lone image is returned as it is). */
export function stack(items: ImageValue[]): ImageValue {
  if (items.length === 1) return items[0];
  const { width, height, channels } = items[0];
  const data = new Float32Array(items.length * width * height * channels);
  items.forEach((img, i) => data.set(img.data, i * img.data.length));
  return image(width, height, channels, data, items.length);
}
