// DPM-Solver++(2M) (Lu et al. 2022), as diffusers' DPMSolverMultistepScheduler with
// algorithm_type dpmsolver++, solver_order 2, solver_type midpoint: first order on the first step,
// and on the last one when the schedule ends at sigma 0 (final_sigmas_type zero, the default) or
// lower_order_final applies; second order in between.
import {
  type Schedule, type SchedulerConfig, type SchedulerState, type StepResult,
  alphasCumprod, checkLengths, interpSigma, karrasSigmas, linspace, roundHalfEven, sigmaToT, trainingSigmas,
} from './common.ts';

const f = Math.fround;

function dpmTimesteps(config: SchedulerConfig, steps: number): number[] {
  const T = config.numTrainTimesteps;
  if (!Number.isInteger(steps) || steps < 1 || steps > T) throw new Error(`bad step count ${steps}`);
  switch (config.timestepSpacing) {
    case 'linspace':
      return linspace(0, T - 1, steps + 1).map(roundHalfEven).reverse().slice(0, steps);
    case 'leading': {
      const ratio = Math.floor(T / (steps + 1));
      return Array.from({ length: steps }, (_, i) => (steps - i) * ratio + config.stepsOffset);
    }
    case 'trailing': {
      const ratio = T / steps;
      const len = Math.ceil(T / ratio);
      return Array.from({ length: len }, (_, i) => roundHalfEven(T - i * ratio) - 1);
    }
  }
}

export function dpmpp2mSchedule(config: SchedulerConfig, steps: number): Schedule {
  const train = trainingSigmas(alphasCumprod(config));
  let timesteps = dpmTimesteps(config, steps);
  let sigmas: number[];
  if (config.useKarrasSigmas) {
    const logSigmas = train.map((s) => Math.log(s));
    sigmas = karrasSigmas(train[0], train[train.length - 1], steps);
    timesteps = sigmas.map((s) => roundHalfEven(sigmaToT(s, logSigmas)));
  } else {
    sigmas = timesteps.map((t) => interpSigma(t, train));
  }
  const last = config.finalSigmasType === 'sigma_min' ? train[0] : 0;
  return { kind: 'dpmpp_2m', config, steps: timesteps.length, timesteps, sigmas: [...sigmas, last].map(f), initNoiseSigma: 1 };
}

/** Variance-preserving alpha_t, sigma_t and log-SNR lambda_t of a k-diffusion sigma. */
function vp(sigma: number): { alpha: number; sigma: number; lambda: number } {
  const alpha = 1 / Math.sqrt(sigma * sigma + 1);
  const s = sigma * alpha;
  return { alpha, sigma: s, lambda: Math.log(alpha) - Math.log(s) };
}

export function dpmpp2mStep(
  schedule: Schedule, stepIndex: number, modelOutput: Float32Array, sample: Float32Array, state: SchedulerState,
): StepResult {
  checkLengths(modelOutput, sample);
  const n = schedule.timesteps.length;
  const s0 = vp(schedule.sigmas[stepIndex]);
  const t = vp(schedule.sigmas[stepIndex + 1]);
  const x0 = new Float32Array(sample.length);
  for (let i = 0; i < x0.length; i++) {
    x0[i] = schedule.config.predictionType === 'epsilon'
      ? (sample[i] - s0.sigma * modelOutput[i]) / s0.alpha
      : s0.alpha * sample[i] - s0.sigma * modelOutput[i];
  }
  const h = t.lambda - s0.lambda;
  const ratio = t.sigma / s0.sigma;
  const coef = t.alpha * Math.expm1(-h);
  const prevSample = new Float32Array(sample.length);
  const { finalSigmasType, lowerOrderFinal } = schedule.config;
  const lowerFinal = stepIndex === n - 1 && (finalSigmasType === 'zero' || (lowerOrderFinal && n < 15));
  const firstOrder = state.previousX0 === null || stepIndex === 0 || lowerFinal;
  if (firstOrder) {
    for (let i = 0; i < x0.length; i++) prevSample[i] = ratio * sample[i] - coef * x0[i];
  } else {
    const prev = state.previousX0!;
    if (prev.length !== x0.length) throw new Error('scheduler state does not match the sample size');
    const s1 = vp(schedule.sigmas[stepIndex - 1]);
    const r0 = (s0.lambda - s1.lambda) / h;
    for (let i = 0; i < x0.length; i++) {
      const d1 = (x0[i] - prev[i]) / r0;
      prevSample[i] = ratio * sample[i] - coef * x0[i] - 0.5 * coef * d1;
    }
  }
  return {
    prevSample,
    predOriginal: x0,
    state: { stepsDone: state.stepsDone + 1, previousX0: Array.from(x0) },
  };
}
