// Shared scheduler math, after diffusers' schedulers: beta schedules, timestep spacing, sigma
// interpolation over the training schedule, Karras sigmas, and the shape of a scheduler record.
// Values diffusers keeps in float32 tensors (betas, alphas_cumprod, sigmas, timesteps) are computed
// with float32 operations here (see float32.ts); what diffusers computes with numpy float64 stays float64.

import type { SchedulerConfig } from './config.ts';
import { f, torchLinspaceF32 } from './float32.ts';

export * from './config.ts';

export interface Schedule {
  /** The scheduler record's kind (see SCHEDULERS). */
  kind: string;
  config: SchedulerConfig;
  /** The number of inference steps asked for (PNDM runs one model evaluation more, DPM++ may run fewer). */
  steps: number;
  /** What the model is given at each step (fractional for Euler with Karras sigmas). */
  timesteps: number[];
  /** k-diffusion sigmas, one per step plus the final one; [] for DDIM, LCM and PNDM. */
  sigmas: number[];
  /** Scale of the unit Gaussian the sampler starts from. */
  initNoiseSigma: number;
  /** torch.cumprod(1 - betas) of the training schedule, float32 values. */
  alphasCumprod: number[];
  /**
   * Image to image: the index in the full schedule of this one's first step (diffusers' begin_index;
   * timesteps and sigmas start there). Absent or 0 for a schedule that starts from pure noise.
   */
  begin?: number;
}

/** What a scheduler's set_timesteps decides; the rest of a Schedule is shared. */
export type ScheduleTimes = Pick<Schedule, 'timesteps' | 'sigmas' | 'initNoiseSigma'> & { steps?: number };

/** Structured-clonable, so a denoise loop can stop and resume mid-way. Steps never mutate it. */
export interface SchedulerState {
  stepsDone: number;
  /** DPM++ 2M: the previous step's predicted clean sample. */
  previousX0: Float32Array | null;
  /** PNDM: the model outputs its multistep formula still needs, oldest first. */
  ets: Float32Array[];
  /** PNDM: the sample its current Runge-Kutta step (or first PLMS step) started from. */
  curSample: Float32Array | null;
  /** PNDM Runge-Kutta: the weighted sum of this step's model outputs so far. */
  curModelOutput: Float32Array | null;
}

export interface StepResult {
  prevSample: Float32Array;
  predOriginal: Float32Array;
  state: SchedulerState;
}

/** What a linear step reads: the sample, the (guided) model output, the previous step's clean estimate, or this step's. */
export type LinearInput = 'sample' | 'output' | 'previousX0' | 'x0';

export interface LinearTerm { of: LinearInput; coef: number }

/**
 * One step written as linear combinations of latent-sized buffers with scalar coefficients, so it can
 * run where the latents are (a GPU kernel) with the scalars computed here.
 */
export interface LinearStep {
  /** The model sees inputScale * sample. */
  inputScale: number;
  /** The predicted clean sample: its terms, then clamped to [-clamp, clamp] when set. */
  x0: { terms: LinearTerm[]; clamp?: number };
  /** The next sample, from any of the inputs and this step's x0. */
  next: LinearTerm[];
  /** The state's previousX0 becomes this step's x0 (DPM++ 2M). */
  keepsX0: boolean;
}

/** Draws n standard normal values (e.g. from a TorchGenerator). */
export type NoiseSource = (n: number) => Float32Array;

/** One sampler, as everything else sees it. */
export interface SchedulerDef<K extends string = string> {
  kind: K;
  label: string;
  /** The diffusers class it follows, as scheduler_config.json's _class_name names it. */
  diffusersClass: string;
  supportsKarras: boolean;
  /** Defaults of that class, for keys a scheduler_config.json leaves out. */
  classDefaults: Record<string, unknown>;
  /** The largest step count it accepts (numTrainTimesteps unless given). */
  maxSteps?: (config: SchedulerConfig) => number;
  schedule(config: SchedulerConfig, steps: number, alphasCumprod: number[]): ScheduleTimes;
  /** What the model sees at a step; the sample itself unless given. */
  scaleModelInput?(schedule: Schedule, stepIndex: number, sample: Float32Array): Float32Array;
  /** One step from the model output; never mutates its inputs. */
  step(
    schedule: Schedule, stepIndex: number, modelOutput: Float32Array, sample: Float32Array,
    state: SchedulerState, noise: NoiseSource,
  ): StepResult;
  freshState(): SchedulerState;
  /**
   * The step as a LinearStep, or why it cannot be one (fresh noise at every step, several model outputs
   * kept). `hasPreviousX0`: the state holds a previous clean estimate.
   */
  linear(schedule: Schedule, stepIndex: number, hasPreviousX0: boolean): LinearStep | string;
  /**
   * The clean latent noised to the level of step `stepIndex` (image to image: 0; inpainting: every
   * next step), as the diffusers class's add_noise at that step (float32 operations, in its order).
   */
  addNoise(schedule: Schedule, stepIndex: number, original: Float32Array, noise: Float32Array): Float32Array;
}

export function freshState(): SchedulerState {
  return { stepsDone: 0, previousX0: null, ets: [], curSample: null, curModelOutput: null };
}

/** The training betas, float32, as diffusers computes them (torch.linspace in float32 for the linear kinds). */
export function betas(config: SchedulerConfig): number[] {
  const n = config.numTrainTimesteps;
  if (config.betaSchedule === 'squaredcos_cap_v2') {
    // betas_for_alpha_bar: Python floats, then torch.tensor(..., dtype=float32).
    const alphaBar = (t: number) => Math.cos((t + 0.008) / 1.008 * Math.PI / 2) ** 2;
    return Array.from({ length: n }, (_, i) => f(Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), 0.999)));
  }
  if (config.betaSchedule === 'scaled_linear') {
    return torchLinspaceF32(Math.sqrt(config.betaStart), Math.sqrt(config.betaEnd), n).map((b) => f(b * b));
  }
  return torchLinspaceF32(config.betaStart, config.betaEnd, n);
}

/** torch.cumprod(1 - betas): float32 factors, accumulated in double (torch's CPU kernel), stored as float32. */
export function alphasCumprod(config: SchedulerConfig): number[] {
  let acc = 1;
  return betas(config).map((b) => f(acc *= f(1 - b)));
}

/** ((1 - a) / a) ** 0.5 for every training timestep, ascending in t (a float32 tensor in diffusers). */
export function trainingSigmas(cumprod: number[]): number[] {
  return cumprod.map((a) => f(Math.sqrt(f(f(1 - a) / a))));
}

/**
 * np.log of the float32 training sigmas: a float32 array. Rounded correctly here; numpy's SIMD
 * float32 log may differ by an ulp on some CPUs (see models/tools/reference/schedulers_ref.py).
 */
export function logSigmas(trainSigmas: number[]): number[] {
  return trainSigmas.map((s) => f(Math.log(s)));
}

/** One check and one message for every sampler's step count. */
export function checkSteps(steps: number, max: number): void {
  if (!Number.isInteger(steps) || steps < 1 || steps > max) {
    throw new Error(`steps must be a whole number from 1 to ${max}, got ${steps}`);
  }
}

/** Python's round(): halves go to the even neighbour, like numpy's round. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** np.arange(start, stop, step) for a negative step, as numpy counts its length. */
export function arangeDown(start: number, stop: number, step: number): number[] {
  const len = Math.max(0, Math.ceil((stop - start) / step));
  return Array.from({ length: len }, (_, i) => start + i * step);
}

/** np.linspace(a, b, n) in float64 as numpy computes it (i * step + a, last value exact). */
export function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  const step = (b - a) / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? b : i * step + a));
}

/**
 * The leading / trailing / linspace timesteps of DDIM, PNDM and the Euler family, descending.
 * `integer` rounds linspace values (DDIM's int64); Euler keeps them as float32.
 */
export function spacedTimesteps(config: SchedulerConfig, steps: number, integer: boolean): number[] {
  const T = config.numTrainTimesteps;
  switch (config.timestepSpacing) {
    case 'linspace': {
      const ts = linspace(0, T - 1, steps).reverse();
      return ts.map((t) => (integer ? roundHalfEven(t) : f(t)));
    }
    case 'leading': {
      const ratio = Math.floor(T / steps);
      return Array.from({ length: steps }, (_, i) => (steps - 1 - i) * ratio + config.stepsOffset);
    }
    case 'trailing':
      return arangeDown(T, 0, -T / steps).map((t) => roundHalfEven(t) - 1);
  }
}

/** np.interp(t, arange(len(sigmas)), sigmas), in float64. */
export function interpSigma(t: number, sigmas: number[]): number {
  if (t <= 0) return sigmas[0];
  if (t >= sigmas.length - 1) return sigmas[sigmas.length - 1];
  const lo = Math.floor(t);
  const slope = sigmas[lo + 1] - sigmas[lo];
  return slope * (t - lo) + sigmas[lo];
}

/** Karras et al. (2022) noise levels, rho = 7, from sigmaMax down to sigmaMin, in float64 (numpy). */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, n: number): number[] {
  const rho = 7;
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return linspace(0, 1, n).map((r) => (maxInv + r * (minInv - maxInv)) ** rho);
}

/**
 * diffusers' _sigma_to_t: the fractional training timestep of a (float64) sigma, interpolating over
 * the float32 log-sigmas with numpy's (NEP 50) dtypes: float64 throughout, except the float32
 * difference of two neighbouring log-sigmas.
 */
export function sigmaToT(sigma: number, logs: number[]): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  // low_idx = cumsum(dists >= 0).argmax(): the last index at or below log_sigma, else 0.
  let low = 0;
  for (let i = 0; i < logs.length; i++) if (logSigma - logs[i] >= 0) low = i;
  low = Math.min(low, logs.length - 2);
  const high = low + 1;
  let w = (logs[low] - logSigma) / f(logs[low] - logs[high]);
  w = Math.min(Math.max(w, 0), 1);
  return (1 - w) * low + w * high;
}

export function checkLengths(modelOutput: Float32Array, sample: Float32Array): void {
  if (modelOutput.length !== sample.length) {
    throw new Error(`model output has ${modelOutput.length} values, sample has ${sample.length}`);
  }
}

/**
 * add_noise of the DDPM-family classes (DDIM, PNDM, LCM) at timestep t:
 * alphas_cumprod[t] ** 0.5 * original + (1 - alphas_cumprod[t]) ** 0.5 * noise.
 */
export function addNoiseAtTimestep(schedule: Schedule, stepIndex: number, original: Float32Array, noise: Float32Array): Float32Array {
  checkLengths(noise, original);
  const a = schedule.alphasCumprod[schedule.timesteps[stepIndex]];
  const sa = sqrtf(a);
  const sb = sqrtf(f(1 - a));
  return original.map((x, i) => f(sa * x) + f(sb * noise[i]));
}

/** add_noise of the k-diffusion-style classes (Euler, Euler ancestral): original + noise * sigma. */
export function addNoiseAtSigma(schedule: Schedule, stepIndex: number, original: Float32Array, noise: Float32Array): Float32Array {
  checkLengths(noise, original);
  const sigma = schedule.sigmas[stepIndex];
  return original.map((x, i) => x + f(noise[i] * sigma));
}

/** float32 sqrt of a float32. */
export const sqrtf = (x: number): number => f(Math.sqrt(x));
