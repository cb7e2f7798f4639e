// Euler (Karras et al. 2022, Algorithm 2 without churn), as diffusers' EulerDiscreteScheduler.
// Every operation is the float32 tensor (or float64 numpy) operation diffusers runs, in its order.
import {
  addNoiseAtSigma, type LinearStep, type Schedule, type ScheduleTimes, type SchedulerConfig, type SchedulerDef, checkLengths, freshState,
  interpSigma, karrasSigmas, logSigmas, sigmaToT, spacedTimesteps, sqrtf, trainingSigmas,
} from './common.ts';
import { f } from './float32.ts';

/** Timesteps and sigmas of Euler (and of Euler ancestral, which never ends at sigma_min). */
export function eulerFamilySchedule(
  config: SchedulerConfig, steps: number, cumprod: number[], finalSigmaMin: boolean,
): ScheduleTimes {
  const train = trainingSigmas(cumprod);
  let timesteps = spacedTimesteps(config, steps, false);
  // np.interp of float32 timesteps over the float32 training sigmas: float64 sigmas.
  let sigmas = timesteps.map((t) => interpSigma(t, train));
  if (config.useKarrasSigmas) {
    const logs = logSigmas(train);
    sigmas = karrasSigmas(sigmas[sigmas.length - 1], sigmas[0], steps);
    timesteps = sigmas.map((s) => f(sigmaToT(s, logs)));
  }
  sigmas = [...sigmas, finalSigmaMin ? train[0] : 0].map(f);
  const max = Math.max(...sigmas);
  // diffusers starts 'leading' schedules from (sigma_max ** 2 + 1) ** 0.5, a float32 tensor.
  const trailingLike = config.timestepSpacing === 'linspace' || config.timestepSpacing === 'trailing';
  return { timesteps, sigmas, initNoiseSigma: trailingLike ? max : sqrtf(f(f(max * max) + 1)) };
}

/** Model input: sample / (sigma ** 2 + 1) ** 0.5. */
export function eulerScaleModelInput(schedule: Schedule, stepIndex: number, sample: Float32Array): Float32Array {
  const sigma = schedule.sigmas[stepIndex];
  const d = sqrtf(f(f(sigma * sigma) + 1));
  return sample.map((v) => v / d);
}

/** Predicted clean sample from the model output at sigma. */
export function eulerX0(schedule: Schedule, sigma: number, modelOutput: Float32Array, sample: Float32Array): Float32Array {
  checkLengths(modelOutput, sample);
  const out = new Float32Array(sample.length);
  if (schedule.config.predictionType === 'epsilon') {
    for (let i = 0; i < out.length; i++) out[i] = sample[i] - f(sigma * modelOutput[i]);
  } else {
    // model_output * (-sigma / (sigma**2 + 1) ** 0.5) + (sample / (sigma**2 + 1))
    const s2p1 = f(f(sigma * sigma) + 1);
    const cOut = f(-sigma / sqrtf(s2p1));
    for (let i = 0; i < out.length; i++) out[i] = f(modelOutput[i] * cOut) + f(sample[i] / s2p1);
  }
  return out;
}

/** sample + (sample - x0) / sigma * dt, in float32. */
export function eulerMove(sample: Float32Array, x0: Float32Array, sigma: number, dt: number): Float32Array {
  const out = new Float32Array(sample.length);
  for (let i = 0; i < out.length; i++) out[i] = sample[i] + f(f(f(sample[i] - x0[i]) / sigma) * dt);
  return out;
}

/** An Euler step to sigmas[stepIndex + 1] as linear combinations (no noise: Euler, and Euler ancestral's deterministic part). */
export function eulerLinear(schedule: Schedule, stepIndex: number): LinearStep {
  const sigma = schedule.sigmas[stepIndex];
  const dt = schedule.sigmas[stepIndex + 1] - sigma;
  const s2p1 = f(f(sigma * sigma) + 1);
  const inputScale = 1 / sqrtf(s2p1);
  if (schedule.config.predictionType === 'epsilon') {
    // (sample - x0) / sigma is the model output itself.
    return { inputScale, x0: { terms: [{ of: 'sample', coef: 1 }, { of: 'output', coef: -sigma }] },
      next: [{ of: 'sample', coef: 1 }, { of: 'output', coef: dt }], keepsX0: false };
  }
  return {
    inputScale,
    x0: { terms: [{ of: 'output', coef: f(-sigma / sqrtf(s2p1)) }, { of: 'sample', coef: 1 / s2p1 }] },
    next: [{ of: 'sample', coef: 1 + dt / sigma }, { of: 'x0', coef: -dt / sigma }],
    keepsX0: false,
  };
}

export const euler: SchedulerDef<'euler'> = {
  kind: 'euler',
  label: 'Euler',
  diffusersClass: 'EulerDiscreteScheduler',
  supportsKarras: true,
  classDefaults: { timestep_spacing: 'linspace' },
  schedule: (config, steps, cumprod) => eulerFamilySchedule(config, steps, cumprod, config.finalSigmasType === 'sigma_min'),
  scaleModelInput: eulerScaleModelInput,
  step(schedule, stepIndex, modelOutput, sample, state) {
    const sigma = schedule.sigmas[stepIndex];
    const predOriginal = eulerX0(schedule, sigma, modelOutput, sample);
    const prevSample = eulerMove(sample, predOriginal, sigma, f(schedule.sigmas[stepIndex + 1] - sigma));
    return { prevSample, predOriginal, state: { ...state, stepsDone: state.stepsDone + 1 } };
  },
  freshState,
  linear: eulerLinear,
  addNoise: addNoiseAtSigma,
};
