// Shared scheduler math, after diffusers' schedulers: beta schedules, timestep spacing, sigma
// interpolation over the training schedule, Karras sigmas. Pure functions over plain data.
// Values diffusers keeps in float32 (betas, alphas_cumprod, sigmas, timesteps) are rounded to
// float32 here too; the rest is float64.

import type { SchedulerConfig, SchedulerKind } from './config.ts';

export * from './config.ts';

export interface Schedule {
  kind: SchedulerKind;
  config: SchedulerConfig;
  steps: number;
  /** What the model is given at each step (fractional for Euler with Karras sigmas). */
  timesteps: number[];
  /** k-diffusion sigmas, one per step plus the final one; [] for DDIM and LCM. */
  sigmas: number[];
  /** Scale of the unit Gaussian the sampler starts from. */
  initNoiseSigma: number;
}

/** JSON-serialisable, so a denoise loop can stop and resume mid-way. */
export interface SchedulerState {
  stepsDone: number;
  /** DPM++ 2M: the previous step's predicted clean sample. */
  previousX0: number[] | null;
}

export interface StepResult {
  prevSample: Float32Array;
  predOriginal: Float32Array;
  state: SchedulerState;
}

/** Draws n standard normal values (e.g. from a TorchGenerator). */
export type NoiseSource = (n: number) => Float32Array;

const f = Math.fround;

/** Training betas rounded to float32 (torch computes linspace in float32; this differs by an ulp at most). */
export function betas(config: SchedulerConfig): number[] {
  const n = config.numTrainTimesteps;
  const out: number[] = new Array(n);
  if (config.betaSchedule === 'squaredcos_cap_v2') {
    const alphaBar = (t: number) => Math.cos((t + 0.008) / 1.008 * Math.PI / 2) ** 2;
    for (let i = 0; i < n; i++) out[i] = f(Math.min(1 - alphaBar((i + 1) / n) / alphaBar(i / n), 0.999));
    return out;
  }
  const scaled = config.betaSchedule === 'scaled_linear';
  const start = scaled ? Math.sqrt(config.betaStart) : config.betaStart;
  const end = scaled ? Math.sqrt(config.betaEnd) : config.betaEnd;
  for (let i = 0; i < n; i++) {
    const b = f(n === 1 ? start : start + (end - start) * i / (n - 1));
    out[i] = scaled ? f(b * b) : b;
  }
  return out;
}

/** torch.cumprod(1 - betas): accumulated in double, stored as float32. */
export function alphasCumprod(config: SchedulerConfig): number[] {
  let acc = 1;
  return betas(config).map((b) => f(acc *= f(1 - b)));
}

/** sqrt((1 - a) / a) for every training timestep, ascending in t. */
export function trainingSigmas(cumprod: number[]): number[] {
  return cumprod.map((a) => f(Math.sqrt(f(f(1 - a) / a))));
}

function checkSteps(config: SchedulerConfig, steps: number): void {
  if (!Number.isInteger(steps) || steps < 1) throw new Error(`steps must be a positive integer, got ${steps}`);
  if (steps > config.numTrainTimesteps) throw new Error(`steps (${steps}) exceed numTrainTimesteps`);
}

/** Python's round(): halves go to the even neighbour, like numpy's round. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** np.arange(start, stop, step) for a negative step, as numpy counts its length. */
function arangeDown(start: number, stop: number, step: number): number[] {
  const len = Math.max(0, Math.ceil((stop - start) / step));
  return Array.from({ length: len }, (_, i) => start + i * step);
}

/** np.linspace(a, b, n) as numpy computes it (step form, last value exact). */
export function linspace(a: number, b: number, n: number): number[] {
  if (n === 1) return [a];
  const step = (b - a) / (n - 1);
  return Array.from({ length: n }, (_, i) => (i === n - 1 ? b : a + i * step));
}

/**
 * Timesteps of the Euler-family and DDIM schedulers for a spacing, descending.
 * `integer` is DDIM's int64 linspace (rounded); Euler keeps float32 linspace values.
 */
export function spacedTimesteps(config: SchedulerConfig, steps: number, integer: boolean): number[] {
  checkSteps(config, steps);
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

/** np.interp(t, arange(len(sigmas)), sigmas). */
export function interpSigma(t: number, sigmas: number[]): number {
  if (t <= 0) return sigmas[0];
  if (t >= sigmas.length - 1) return sigmas[sigmas.length - 1];
  const lo = Math.floor(t);
  const w = t - lo;
  return w === 0 ? sigmas[lo] : sigmas[lo] + (sigmas[lo + 1] - sigmas[lo]) * w;
}

/** Karras et al. (2022) noise levels, rho = 7, from sigmaMax down to sigmaMin. */
export function karrasSigmas(sigmaMin: number, sigmaMax: number, n: number): number[] {
  const rho = 7;
  const minInv = sigmaMin ** (1 / rho);
  const maxInv = sigmaMax ** (1 / rho);
  return linspace(0, 1, n).map((r) => (maxInv + r * (minInv - maxInv)) ** rho);
}

/** Fractional training timestep of a sigma, interpolating over log-sigmas like diffusers. */
export function sigmaToT(sigma: number, logSigmas: number[]): number {
  const logSigma = Math.log(Math.max(sigma, 1e-10));
  let low = -1;
  for (let i = 0; i < logSigmas.length; i++) if (logSigma - logSigmas[i] >= 0) low = i;
  low = Math.min(Math.max(low, 0), logSigmas.length - 2);
  const w = Math.min(Math.max((logSigmas[low] - logSigma) / (logSigmas[low] - logSigmas[low + 1]), 0), 1);
  return (1 - w) * low + w * (low + 1);
}

export function checkLengths(modelOutput: Float32Array, sample: Float32Array): void {
  if (modelOutput.length !== sample.length) {
    throw new Error(`model output has ${modelOutput.length} values, sample has ${sample.length}`);
  }
}

export function freshState(): SchedulerState {
  return { stepsDone: 0, previousX0: null };
}
