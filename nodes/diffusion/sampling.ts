// One sampler step with guidance, and where a run starts from: shared by UNet Step and Denoise.
import { addNoise, freshState, scaleModelInput, step, type Schedule, type SchedulerState } from '../../src/diffusion/schedulers/index.ts';
import { TorchGenerator } from '../../src/diffusion/torchRandom.ts';
import { hash128 } from '../../src/runtime/sha256.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';
import type { LatentValue } from '../../src/kernel/values.ts';
import { interpolate } from '../../src/diffusion/interpolate.ts';
import type { MaskValue } from '../../src/image/mask.ts';
import { predict, type Guidance, type Unet } from './unet.ts';

/** A short identity of a schedule (a hash of what decides its steps), to tell whether a latent is part-way through this one. */
export function scheduleId(schedule: Schedule): string {
  return hash128(JSON.stringify([schedule.kind, schedule.config, schedule.steps, schedule.timesteps, schedule.sigmas]));
}

export interface Cursor {
  x: Float32Array;
  dims: number[];
  state: SchedulerState;
  generator: TorchGenerator | null;
}

/**
 * Fresh noise starts a schedule (scaled by its initial sigma); a part-way latent continues it. With an
 * init latent (an encoded image), the noise is added to it at the schedule's first step, as diffusers'
 * image-to-image pipeline does (`schedule` then comes from img2imgSchedule).
 */
export function startFrom(latent: LatentValue, schedule: Schedule, start: number, init?: LatentValue, noiseAtFullStrength = false): Cursor {
  const { tensor, progress } = latent;
  const generator = latent.generator ? TorchGenerator.fromState(latent.generator) : null;
  const dims = [...tensor.dims];
  if (!progress) {
    if (start !== 0) throw new Error(`starting at step ${start} needs a latent that a Denoise left at step ${start}; this one is fresh noise`);
    // Inpainting at full strength starts from noise alone, as diffusers' inpainting pipeline does.
    if (init && !(noiseAtFullStrength && !schedule.begin)) {
      return { x: addNoise(schedule, initRows(init, dims), tensor.data as Float32Array), dims, state: freshState(), generator };
    }
    if (schedule.begin) throw new Error('a strength below 1 starts part-way through the schedule: wire an init latent (an image through VAE Encode)');
    const x = Float32Array.from(tensor.data as Float32Array, (v) => v * schedule.initNoiseSigma);
    return { x, dims, state: freshState(), generator };
  }
  if (progress.schedule !== scheduleId(schedule)) throw new Error('the latent is part-way through a different schedule');
  if (progress.stepsDone !== start) throw new Error(`the latent is at step ${progress.stepsDone}, but this starts at step ${start}`);
  return { x: (tensor.data as Float32Array).slice(), dims, state: progress.state, generator };
}

/** The init latent's data for a noise latent of `dims`: the same shape, or one item repeated over the batch. */
export function initRows(init: LatentValue, dims: number[]): Float32Array {
  const got = init.tensor.dims;
  const data = init.tensor.data as Float32Array;
  if (got.length !== 4 || got[1] !== dims[1] || got[2] !== dims[2] || got[3] !== dims[3] || (got[0] !== dims[0] && got[0] !== 1)) {
    throw new Error(`the init latent is [${got.join(', ')}] but the noise is [${dims.join(', ')}]: give the Noise node the image's size (and a batch of 1 or the same batch)`);
  }
  if (got[0] === dims[0]) return data;
  const out = new Float32Array(data.length * dims[0]);
  for (let i = 0; i < dims[0]; i++) out.set(data, i * data.length);
  return out;
}

/**
 * An inpainting mask at latent size, as diffusers prepares it: binarised at 0.5 in pixels, then shrunk
 * with interpolate's default (legacy nearest) mode. One item: the same mask for the whole batch.
 */
export function latentMask(m: MaskValue, h: number, w: number): Float32Array {
  if (m.batch !== 1) throw new Error(`the mask has ${m.batch} items; inpainting takes one mask for the batch`);
  const hard = m.data.map((v) => (v >= 0.5 ? 1 : 0));
  return interpolate(hard, [1, 1, m.height, m.width], h, w, 'nearest');
}

export interface StepOutcome { x: Float32Array; denoised: Float32Array; state: SchedulerState }

export async function samplerStep(
  runtime: Runtime, unet: Unet, schedule: Schedule, index: number, cursor: Cursor, guidance: Guidance, signal: AbortSignal,
): Promise<StepOutcome> {
  const input = scaleModelInput(schedule, index, cursor.x);
  const output = await predict(runtime, unet, input, cursor.dims, schedule.timesteps[index], guidance, signal);
  const noise = (n: number) => {
    if (!cursor.generator) throw new Error('this sampler draws noise at every step: feed it a latent from a Noise node');
    return cursor.generator.randn([n]);
  };
  const result = step(schedule, index, output, cursor.x, cursor.state, noise);
  return { x: result.prevSample, denoised: result.predOriginal, state: result.state };
}

export function latentAt(cursor: Cursor, schedule: Schedule, stepsDone: number): LatentValue {
  return {
    kind: 'latent',
    tensor: { dtype: 'float32', dims: cursor.dims, data: cursor.x },
    generator: cursor.generator?.getState(),
    progress: { schedule: scheduleId(schedule), stepsDone, state: cursor.state },
  };
}
