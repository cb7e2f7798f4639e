// The schedulers, one record each, and kind-independent entry points over a Schedule.
// Adding a sampler: write its record (see SchedulerDef in common.ts) and list it here.
import {
  type LinearStep, type NoiseSource, type Schedule, type SchedulerConfig, type SchedulerDef, type SchedulerState, type StepResult,
  alphasCumprod, checkSteps, readSchedulerConfig,
} from './common.ts';
import { ddim } from './ddim.ts';
import { dpmpp2m } from './dpmpp2m.ts';
import { euler } from './euler.ts';
import { eulerAncestral } from './eulerAncestral.ts';
import { lcm } from './lcm.ts';
import { pndm } from './pndm.ts';

export * from './common.ts';

export const SCHEDULERS = [ddim, euler, eulerAncestral, dpmpp2m, lcm, pndm] as const;

export type SchedulerKind = (typeof SCHEDULERS)[number]['kind'];

export function isSchedulerKind(value: unknown): value is SchedulerKind {
  return SCHEDULERS.some((s) => s.kind === value);
}

export function schedulerOf(kind: string): SchedulerDef {
  const found = SCHEDULERS.find((s) => s.kind === kind);
  if (!found) throw new Error(`unknown scheduler ${JSON.stringify(kind)}`);
  return found;
}

/** The sampler a scheduler_config.json's _class_name names, if it is one of ours. */
export function kindForDiffusersClass(className: unknown): SchedulerKind | undefined {
  return SCHEDULERS.find((s) => s.diffusersClass === className)?.kind;
}

/**
 * Reads a diffusers scheduler/scheduler_config.json. Keys it leaves out take the defaults of the
 * diffusers class `kind` follows (as `SomeScheduler.from_config(json)` would), or generic ones.
 */
export function configFromDiffusers(json: Record<string, unknown>, kind?: SchedulerKind): SchedulerConfig {
  return readSchedulerConfig(json, kind ? schedulerOf(kind).classDefaults : {});
}

export function makeSchedule(kind: SchedulerKind, config: SchedulerConfig, steps: number): Schedule {
  const def = schedulerOf(kind);
  checkSteps(steps, def.maxSteps ? def.maxSteps(config) : config.numTrainTimesteps);
  const cumprod = alphasCumprod(config);
  const times = def.schedule(config, steps, cumprod);
  return {
    kind, config, steps: times.steps ?? steps, timesteps: times.timesteps, sigmas: times.sigmas,
    initNoiseSigma: times.initNoiseSigma, alphasCumprod: cumprod,
  };
}

/**
 * Image to image, as diffusers' StableDiffusionImg2ImgPipeline.get_timesteps: of `steps` steps, the
 * last int(steps * strength) run (every scheduler here has order 1), starting at begin_index
 * steps - int(steps * strength). The returned schedule holds those steps only (`begin` says where
 * they start); strength 1 gives the whole schedule.
 */
export function img2imgSchedule(schedule: Schedule, strength: number): Schedule {
  if (!(strength > 0 && strength <= 1)) throw new Error(`strength must be in (0, 1], got ${strength}`);
  const n = schedule.steps;
  const run = Math.min(Math.trunc(n * strength), n);
  if (run < 1) {
    throw new Error(`strength ${strength} of ${n} steps leaves no step to run (int(steps x strength) is 0): raise the strength or the steps`);
  }
  const begin = Math.max(n - run, 0);
  if (begin === 0) return schedule;
  return { ...schedule, timesteps: schedule.timesteps.slice(begin), sigmas: schedule.sigmas.slice(begin), begin };
}

/**
 * The clean latent (an encoded image, scaled) noised to the level of step `stepIndex` (0: the first
 * step of an image-to-image schedule): diffusers' add_noise at that step.
 */
export function addNoise(schedule: Schedule, original: Float32Array, noise: Float32Array, stepIndex = 0): Float32Array {
  if (!Number.isInteger(stepIndex) || stepIndex < 0 || stepIndex >= schedule.timesteps.length) {
    throw new Error(`step index ${stepIndex} is outside 0..${schedule.timesteps.length - 1}`);
  }
  return schedulerOf(schedule.kind).addNoise(schedule, stepIndex, original, noise);
}

/** What the model sees at a step: Euler-family samplers divide by sqrt(sigma^2 + 1). */
export function scaleModelInput(schedule: Schedule, stepIndex: number, sample: Float32Array): Float32Array {
  checkIndex(schedule, stepIndex);
  const def = schedulerOf(schedule.kind);
  return def.scaleModelInput ? def.scaleModelInput(schedule, stepIndex, sample) : sample.slice();
}

const noNoise: NoiseSource = () => {
  throw new Error('this step needs a noise source');
};

/** One scheduler step from the model output at `stepIndex`; never mutates its inputs. */
export function step(
  schedule: Schedule, stepIndex: number, modelOutput: Float32Array, sample: Float32Array,
  state: SchedulerState, noise: NoiseSource = noNoise,
): StepResult {
  checkIndex(schedule, stepIndex);
  return schedulerOf(schedule.kind).step(schedule, stepIndex, modelOutput, sample, state, noise);
}

/** One step as linear combinations (see LinearStep), or why this sampler's steps cannot be written so. */
export function linearStep(schedule: Schedule, stepIndex: number, hasPreviousX0: boolean): LinearStep | string {
  checkIndex(schedule, stepIndex);
  return schedulerOf(schedule.kind).linear(schedule, stepIndex, hasPreviousX0);
}

function checkIndex(schedule: Schedule, stepIndex: number): void {
  if (!Number.isInteger(stepIndex) || stepIndex < 0 || stepIndex >= schedule.timesteps.length) {
    throw new Error(`step index ${stepIndex} is outside 0..${schedule.timesteps.length - 1}`);
  }
}

/**
 * Inpainting with a plain (4-channel) UNet, as diffusers' StableDiffusionInpaintPipeline after each
 * step: outside the mask the latent goes back to the init latent, noised to the next step's level
 * (the init latent itself after the last step): (1 - mask) * add_noise(init, noise, next) + mask * x.
 * `mask` is one value per latent cell (h * w), the same for every batch item and channel.
 */
export function inpaintBlend(
  schedule: Schedule, stepIndex: number, x: Float32Array, init: Float32Array, noise: Float32Array, mask: Float32Array,
): Float32Array {
  const last = stepIndex === schedule.timesteps.length - 1;
  const proper = last ? init : addNoise(schedule, init, noise, stepIndex + 1);
  const plane = mask.length;
  const f = Math.fround;
  return x.map((v, i) => {
    const m = mask[i % plane];
    return f(f(1 - m) * proper[i]) + f(m * v);
  });
}
