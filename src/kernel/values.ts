// What travels on each kind of wire. Plain data with typed arrays, so it crosses workers by transfer.
import type { ModelManifest } from '../runtime/manifest.ts';
import type { Schedule, SchedulerState } from '../diffusion/schedulers/common.ts';
import type { TorchGeneratorState } from '../diffusion/torchRandom.ts';
import type { Tensor } from '../runtime/tensor.ts';
import type { ImageValue } from '../image/value.ts';
import type { MaskValue } from '../image/mask.ts';

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
  /** One float per pixel in [0, 1]: 1 marks the area to change (inpainting) or to take from a pasted source. */
  MASK: MaskValue;
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

/** SEED and INT are the same number on a wire: each may feed the other. */
export const WIRE_COERCIONS = [['INT', 'SEED'], ['SEED', 'INT']] as const satisfies readonly (readonly [keyof WireTypes, keyof WireTypes])[];
