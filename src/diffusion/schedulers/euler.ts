// Euler (Karras et al. 2022, Algorithm 2 without churn), as diffusers' EulerDiscreteScheduler.
import {
  type Schedule, type SchedulerConfig, type SchedulerKind, type SchedulerState, type StepResult,
  alphasCumprod, checkLengths, interpSigma, karrasSigmas, sigmaToT, spacedTimesteps, trainingSigmas,
} from './common.ts';

const f = Math.fround;

/** Timesteps and sigmas shared by Euler and Euler ancestral. */
export function eulerFamilySchedule(kind: SchedulerKind, config: SchedulerConfig, steps: number): Schedule {
  const train = trainingSigmas(alphasCumprod(config));
  let timesteps = spacedTimesteps(config, steps, false);
  let sigmas = timesteps.map((t) => interpSigma(t, train));
  if (config.useKarrasSigmas) {
    const logSigmas = train.map((s) => Math.log(s));
    sigmas = karrasSigmas(sigmas[sigmas.length - 1], sigmas[0], steps);
    timesteps = sigmas.map((s) => f(sigmaToT(s, logSigmas)));
  }
  sigmas = [...sigmas, 0].map(f);
  const max = Math.max(...sigmas);
  // diffusers starts 'leading' schedules from sqrt(sigma_max^2 + 1).
  const trailingLike = config.timestepSpacing === 'linspace' || config.timestepSpacing === 'trailing';
  const initNoiseSigma = trailingLike ? max : f(Math.sqrt(max * max + 1));
  return { kind, config, steps, timesteps, sigmas, initNoiseSigma };
}

export function eulerSchedule(config: SchedulerConfig, steps: number): Schedule {
  return eulerFamilySchedule('euler', config, steps);
}

/** Model input: sample / sqrt(sigma^2 + 1). */
export function eulerScaleModelInput(schedule: Schedule, stepIndex: number, sample: Float32Array): Float32Array {
  const sigma = schedule.sigmas[stepIndex];
  const scale = 1 / Math.sqrt(sigma * sigma + 1);
  return sample.map((v) => v * scale);
}

/** Predicted clean sample from the model output at sigma. */
export function eulerX0(schedule: Schedule, sigma: number, modelOutput: Float32Array, sample: Float32Array): Float32Array {
  checkLengths(modelOutput, sample);
  const out = new Float32Array(sample.length);
  if (schedule.config.predictionType === 'epsilon') {
    for (let i = 0; i < out.length; i++) out[i] = sample[i] - sigma * modelOutput[i];
  } else {
    const cOut = -sigma / Math.sqrt(sigma * sigma + 1);
    const cSkip = 1 / (sigma * sigma + 1);
    for (let i = 0; i < out.length; i++) out[i] = modelOutput[i] * cOut + sample[i] * cSkip;
  }
  return out;
}

export function eulerStep(
  schedule: Schedule, stepIndex: number, modelOutput: Float32Array, sample: Float32Array, state: SchedulerState,
): StepResult {
  const sigma = schedule.sigmas[stepIndex];
  const predOriginal = eulerX0(schedule, sigma, modelOutput, sample);
  // x + (x - x0) / sigma * (sigma_next - sigma)
  const ratio = (schedule.sigmas[stepIndex + 1] - sigma) / sigma;
  const prevSample = new Float32Array(sample.length);
  for (let i = 0; i < sample.length; i++) {
    prevSample[i] = sample[i] + (sample[i] - predOriginal[i]) * ratio;
  }
  return { prevSample, predOriginal, state: { ...state, stepsDone: state.stepsDone + 1 } };
}
