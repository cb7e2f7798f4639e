// DDIM (Song et al. 2020), as diffusers' DDIMScheduler, with eta for the stochastic variant.
import {
  type NoiseSource, type Schedule, type SchedulerConfig, type SchedulerState, type StepResult,
  alphasCumprod, checkLengths, spacedTimesteps,
} from './common.ts';

export function ddimSchedule(config: SchedulerConfig, steps: number): Schedule {
  return { kind: 'ddim', config, steps, timesteps: spacedTimesteps(config, steps, true), sigmas: [], initNoiseSigma: 1 };
}

export interface AlphaPair { alphaProd: number; alphaProdPrev: number }

/** alpha_cumprod at t and at the previous timestep; past the start it is 1 or alphas_cumprod[0]. */
export function alphaPair(config: SchedulerConfig, cumprod: number[], t: number, prevT: number): AlphaPair {
  const final = config.setAlphaToOne ? 1 : cumprod[0];
  return { alphaProd: cumprod[t], alphaProdPrev: prevT >= 0 ? cumprod[prevT] : final };
}

/** x0 and epsilon from the model output, for epsilon or v prediction. */
export function x0AndEpsilon(
  config: SchedulerConfig, alphaProd: number, modelOutput: Float32Array, sample: Float32Array,
): { x0: Float32Array; eps: Float32Array } {
  checkLengths(modelOutput, sample);
  const a = Math.sqrt(alphaProd);
  const b = Math.sqrt(1 - alphaProd);
  const x0 = new Float32Array(sample.length);
  const eps = new Float32Array(sample.length);
  for (let i = 0; i < sample.length; i++) {
    if (config.predictionType === 'epsilon') {
      x0[i] = (sample[i] - b * modelOutput[i]) / a;
      eps[i] = modelOutput[i];
    } else {
      x0[i] = a * sample[i] - b * modelOutput[i];
      eps[i] = a * modelOutput[i] + b * sample[i];
    }
  }
  if (config.clipSample) {
    const r = config.clipSampleRange;
    for (let i = 0; i < x0.length; i++) x0[i] = Math.min(Math.max(x0[i], -r), r);
  }
  return { x0, eps };
}

/** DDIM's sigma_t^2 / eta^2: (1 - a_prev) / (1 - a_t) * (1 - a_t / a_prev). */
export function ddimVariance(alphaProd: number, alphaProdPrev: number): number {
  return ((1 - alphaProdPrev) / (1 - alphaProd)) * (1 - alphaProd / alphaProdPrev);
}

export function ddimStep(
  schedule: Schedule, stepIndex: number, modelOutput: Float32Array, sample: Float32Array,
  state: SchedulerState, noise: NoiseSource,
): StepResult {
  const { config, steps } = schedule;
  const t = schedule.timesteps[stepIndex];
  // diffusers steps back by a fixed stride, whatever the spacing.
  const prevT = t - Math.floor(config.numTrainTimesteps / steps);
  const { alphaProd, alphaProdPrev } = alphaPair(config, alphasCumprod(config), t, prevT);
  const { x0, eps } = x0AndEpsilon(config, alphaProd, modelOutput, sample);
  // Recomputing epsilon from a clipped x0 is diffusers' use_clipped_model_output, off by default.
  const std = config.eta * Math.sqrt(ddimVariance(alphaProd, alphaProdPrev));
  const direction = Math.sqrt(Math.max(0, 1 - alphaProdPrev - std * std));
  const a = Math.sqrt(alphaProdPrev);
  const z = config.eta > 0 ? noise(sample.length) : null;
  const prevSample = new Float32Array(sample.length);
  for (let i = 0; i < sample.length; i++) {
    const x = Math.fround(a * x0[i] + direction * eps[i]);
    prevSample[i] = z ? x + std * z[i] : x;
  }
  return { prevSample, predOriginal: x0, state: { ...state, stepsDone: state.stepsDone + 1 } };
}
