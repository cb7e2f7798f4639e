// Latent Consistency Model sampling (Luo et al. 2023), as diffusers' LCMScheduler: each step maps
// the sample to a consistency-model estimate of x0, then re-noises it to the next timestep.
// Float32 operations in diffusers' order.
import { addNoiseAtTimestep, type SchedulerDef, freshState, linspace, sqrtf } from './common.ts';
import { alphaAt, x0AndEpsilon } from './ddim.ts';
import { f } from './float32.ts';

/** Boundary-condition scalings c_skip, c_out with sigma_data = 0.5, float32 like the int64 timestep times a float. */
export function lcmScalings(timestep: number, timestepScaling: number): { cSkip: number; cOut: number } {
  const s = f(f(timestep) * f(timestepScaling));
  const d = f(f(s * s) + 0.25);
  return { cSkip: f(0.25 / d), cOut: f(s / sqrtf(d)) };
}

export const lcm: SchedulerDef<'lcm'> = {
  kind: 'lcm',
  label: 'LCM',
  diffusersClass: 'LCMScheduler',
  supportsKarras: false,
  classDefaults: {
    timestep_spacing: 'leading', set_alpha_to_one: true, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear',
  },
  maxSteps: (config) => Math.min(config.originalInferenceSteps, config.numTrainTimesteps),
  schedule(config, steps) {
    const T = config.numTrainTimesteps;
    const original = config.originalInferenceSteps;
    // The distillation schedule, k-1, 2k-1, ..., descending; pick `steps` evenly spaced entries.
    const k = Math.floor(T / original);
    const origin = Array.from({ length: original }, (_, i) => (original - i) * k - 1);
    const picks = linspace(0, original, steps + 1).slice(0, steps).map(Math.floor);
    return { timesteps: picks.map((i) => origin[i]), sigmas: [], initNoiseSigma: 1 };
  },
  step(schedule, stepIndex, modelOutput, sample, state, noise) {
    const { config, timesteps } = schedule;
    const t = timesteps[stepIndex];
    const last = stepIndex === timesteps.length - 1;
    const alphaProdPrev = alphaAt(schedule, last ? t : timesteps[stepIndex + 1]);
    const { x0 } = x0AndEpsilon(config, alphaAt(schedule, t), modelOutput, sample);
    const { cSkip, cOut } = lcmScalings(t, config.timestepScaling);
    const denoised = new Float32Array(sample.length);
    for (let i = 0; i < sample.length; i++) denoised[i] = f(cOut * x0[i]) + f(cSkip * sample[i]);
    let prevSample = denoised;
    // No noise after the final step (so one-step sampling is deterministic).
    if (!last) {
      const z = noise(sample.length);
      const a = sqrtf(alphaProdPrev);
      const b = sqrtf(f(1 - alphaProdPrev));
      prevSample = new Float32Array(sample.length);
      for (let i = 0; i < sample.length; i++) prevSample[i] = f(a * denoised[i]) + f(b * z[i]);
    }
    return { prevSample, predOriginal: denoised, state: { ...state, stepsDone: state.stepsDone + 1 } };
  },
  freshState,
  linear: () => 'LCM draws fresh noise at every step',
  addNoise: addNoiseAtTimestep,
};
