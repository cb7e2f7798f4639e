// Latent Consistency Model sampling (Luo et al. 2023), as diffusers' LCMScheduler: each step maps
// the sample to a consistency-model estimate of x0, then re-noises it to the next timestep.
import {
  type NoiseSource, type Schedule, type SchedulerConfig, type SchedulerState, type StepResult,
  alphasCumprod, linspace,
} from './common.ts';
import { alphaPair, x0AndEpsilon } from './ddim.ts';

export function lcmSchedule(config: SchedulerConfig, steps: number): Schedule {
  const T = config.numTrainTimesteps;
  const original = config.originalInferenceSteps;
  if (original > T) throw new Error('originalInferenceSteps exceeds numTrainTimesteps');
  if (!Number.isInteger(steps) || steps < 1 || steps > original) {
    throw new Error(`LCM steps must be between 1 and originalInferenceSteps (${original}), got ${steps}`);
  }
  // The distillation schedule, k-1, 2k-1, ..., descending; pick `steps` evenly spaced entries.
  const k = Math.floor(T / original);
  const origin = Array.from({ length: original }, (_, i) => (original - i) * k - 1);
  const picks = linspace(0, original, steps + 1).slice(0, steps).map(Math.floor);
  return { kind: 'lcm', config, steps, timesteps: picks.map((i) => origin[i]), sigmas: [], initNoiseSigma: 1 };
}

/** Boundary-condition scalings c_skip, c_out with sigma_data = 0.5. */
export function lcmScalings(timestep: number, timestepScaling: number): { cSkip: number; cOut: number } {
  const s = timestep * timestepScaling;
  return { cSkip: 0.25 / (s * s + 0.25), cOut: s / Math.sqrt(s * s + 0.25) };
}

export function lcmStep(
  schedule: Schedule, stepIndex: number, modelOutput: Float32Array, sample: Float32Array,
  state: SchedulerState, noise: NoiseSource,
): StepResult {
  const { config, timesteps } = schedule;
  const t = timesteps[stepIndex];
  const last = stepIndex === timesteps.length - 1;
  const prevT = last ? t : timesteps[stepIndex + 1];
  const { alphaProd, alphaProdPrev } = alphaPair(config, alphasCumprod(config), t, prevT);
  const { x0 } = x0AndEpsilon(config, alphaProd, modelOutput, sample);
  const { cSkip, cOut } = lcmScalings(t, config.timestepScaling);
  const denoised = new Float32Array(sample.length);
  for (let i = 0; i < sample.length; i++) denoised[i] = cOut * x0[i] + cSkip * sample[i];
  let prevSample = denoised;
  // No noise after the final step (so one-step sampling is deterministic).
  if (!last) {
    const z = noise(sample.length);
    const a = Math.sqrt(alphaProdPrev);
    const b = Math.sqrt(1 - alphaProdPrev);
    prevSample = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) prevSample[i] = a * denoised[i] + b * z[i];
  }
  return { prevSample, predOriginal: denoised, state: { ...state, stepsDone: state.stepsDone + 1 } };
}
