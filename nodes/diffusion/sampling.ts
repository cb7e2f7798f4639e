// One sampler step with guidance, and where a run starts from: shared by UNet Step and Denoise.
import { freshState, scaleModelInput, step, type Schedule, type SchedulerState } from '../../src/diffusion/schedulers/index.ts';
import { TorchGenerator } from '../../src/diffusion/torchRandom.ts';
import { hash128 } from '../../src/runtime/sha256.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';
import type { LatentValue } from '../../src/kernel/values.ts';
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

/** Fresh noise starts a schedule (scaled by its initial sigma); a part-way latent continues it. */
export function startFrom(latent: LatentValue, schedule: Schedule, start: number): Cursor {
  const { tensor, progress } = latent;
  const generator = latent.generator ? TorchGenerator.fromState(latent.generator) : null;
  const dims = [...tensor.dims];
  if (!progress) {
    if (start !== 0) throw new Error(`starting at step ${start} needs a latent that a Denoise left at step ${start}; this one is fresh noise`);
    const x = Float32Array.from(tensor.data as Float32Array, (v) => v * schedule.initNoiseSigma);
    return { x, dims, state: freshState(), generator };
  }
  if (progress.schedule !== scheduleId(schedule)) throw new Error('the latent is part-way through a different schedule');
  if (progress.stepsDone !== start) throw new Error(`the latent is at step ${progress.stepsDone}, but this starts at step ${start}`);
  return { x: (tensor.data as Float32Array).slice(), dims, state: progress.state, generator };
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
