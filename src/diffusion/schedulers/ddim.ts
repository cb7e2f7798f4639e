// DDIM (Song et al. 2020), as diffusers' DDIMScheduler, with eta for the stochastic variant.
// Every operation is the float32 tensor operation diffusers runs, in its order.
import {
  addNoiseAtTimestep, type Schedule, type SchedulerConfig, type SchedulerDef, checkLengths, freshState, spacedTimesteps, sqrtf,
} from './common.ts';
import { f } from './float32.ts';

/** alpha_cumprod at t, and at prevT or, past the start, 1 (set_alpha_to_one) or alphas_cumprod[0]. */
export function alphaAt(schedule: Schedule, t: number): number {
  if (t >= 0) return schedule.alphasCumprod[t];
  return schedule.config.setAlphaToOne ? 1 : schedule.alphasCumprod[0];
}

/** x0 and epsilon from the model output, for epsilon or v prediction, clipped if the config asks. */
export function x0AndEpsilon(
  config: SchedulerConfig, alphaProd: number, modelOutput: Float32Array, sample: Float32Array,
): { x0: Float32Array; eps: Float32Array } {
  checkLengths(modelOutput, sample);
  const a = sqrtf(alphaProd);
  const b = sqrtf(f(1 - alphaProd));
  const n = sample.length;
  const x0 = new Float32Array(n);
  let eps = modelOutput;
  if (config.predictionType === 'epsilon') {
    for (let i = 0; i < n; i++) x0[i] = f(sample[i] - f(b * modelOutput[i])) / a;
  } else {
    eps = new Float32Array(n);
    for (let i = 0; i < n; i++) {
      x0[i] = f(a * sample[i]) - f(b * modelOutput[i]);
      eps[i] = f(a * modelOutput[i]) + f(b * sample[i]);
    }
  }
  if (config.clipSample) {
    const r = f(config.clipSampleRange);
    for (let i = 0; i < n; i++) x0[i] = Math.min(Math.max(x0[i], -r), r);
  }
  return { x0, eps };
}

/** DDIM's sigma_t^2 / eta^2: (1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev), in float32. */
export function ddimVariance(alphaProd: number, alphaProdPrev: number): number {
  return f(f(f(1 - alphaProdPrev) / f(1 - alphaProd)) * f(1 - f(alphaProd / alphaProdPrev)));
}

export const ddim: SchedulerDef<'ddim'> = {
  kind: 'ddim',
  label: 'DDIM',
  diffusersClass: 'DDIMScheduler',
  supportsKarras: false,
  classDefaults: { timestep_spacing: 'leading', clip_sample: true, set_alpha_to_one: true },
  schedule: (config, steps) => ({ timesteps: spacedTimesteps(config, steps, true), sigmas: [], initNoiseSigma: 1 }),
  step(schedule, stepIndex, modelOutput, sample, state, noise) {
    const { config, steps } = schedule;
    const t = schedule.timesteps[stepIndex];
    // diffusers steps back by a fixed stride, whatever the spacing.
    const alphaProd = alphaAt(schedule, t);
    const alphaProdPrev = alphaAt(schedule, t - Math.floor(config.numTrainTimesteps / steps));
    const { x0, eps } = x0AndEpsilon(config, alphaProd, modelOutput, sample);
    // Recomputing epsilon from a clipped x0 is diffusers' use_clipped_model_output, off by default.
    const std = f(f(config.eta) * sqrtf(ddimVariance(alphaProd, alphaProdPrev)));
    const direction = sqrtf(Math.max(0, f(f(1 - alphaProdPrev) - f(std * std))));
    const a = sqrtf(alphaProdPrev);
    const z = config.eta > 0 ? noise(sample.length) : null;
    const prevSample = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) {
      const x = f(f(a * x0[i]) + f(direction * eps[i]));
      prevSample[i] = z ? x + f(std * z[i]) : x;
    }
    return { prevSample, predOriginal: x0, state: { ...state, stepsDone: state.stepsDone + 1 } };
  },
  freshState,
  linear(schedule, stepIndex) {
    const { config, steps } = schedule;
    if (config.eta > 0) return `DDIM with eta ${config.eta} draws fresh noise at every step`;
    const t = schedule.timesteps[stepIndex];
    const alphaProd = alphaAt(schedule, t);
    const alphaProdPrev = alphaAt(schedule, t - Math.floor(config.numTrainTimesteps / steps));
    const a = sqrtf(alphaProd);
    const b = sqrtf(f(1 - alphaProd));
    // eta 0: std 0, so the direction is sqrt(1 - alpha_prev).
    const direction = sqrtf(Math.max(0, f(1 - alphaProdPrev)));
    const aPrev = sqrtf(alphaProdPrev);
    const clamp = config.clipSample ? f(config.clipSampleRange) : undefined;
    if (config.predictionType === 'epsilon') {
      return { inputScale: 1, x0: { terms: [{ of: 'sample', coef: 1 / a }, { of: 'output', coef: -b / a }], clamp },
        next: [{ of: 'x0', coef: aPrev }, { of: 'output', coef: direction }], keepsX0: false };
    }
    // v prediction: eps = a * v + b * sample.
    return { inputScale: 1, x0: { terms: [{ of: 'sample', coef: a }, { of: 'output', coef: -b }], clamp },
      next: [{ of: 'x0', coef: aPrev }, { of: 'output', coef: direction * a }, { of: 'sample', coef: direction * b }], keepsX0: false };
  },
  addNoise: addNoiseAtTimestep,
};
