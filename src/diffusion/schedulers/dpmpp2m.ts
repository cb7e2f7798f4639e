// DPM-Solver++(2M) (Lu et al. 2022), as diffusers' DPMSolverMultistepScheduler with
// algorithm_type dpmsolver++, solver_order 2, solver_type midpoint: first order on the first step,
// and on the last one when the schedule ends at sigma 0 (final_sigmas_type zero, the default) or
// lower_order_final applies; second order in between. Float32 operations in diffusers' order.
import {
  type Schedule, type ScheduleTimes, type SchedulerConfig, type SchedulerDef, checkLengths, freshState, interpSigma,
  karrasSigmas, linspace, logSigmas, roundHalfEven, sigmaToT, sqrtf, trainingSigmas,
} from './common.ts';
import { f, torchExpf } from './float32.ts';

function dpmTimesteps(config: SchedulerConfig, steps: number): number[] {
  const T = config.numTrainTimesteps;
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

function dpmSchedule(config: SchedulerConfig, steps: number, cumprod: number[]): ScheduleTimes {
  const train = trainingSigmas(cumprod);
  let timesteps = dpmTimesteps(config, steps);
  let sigmas: number[];
  if (config.useKarrasSigmas) {
    const logs = logSigmas(train);
    sigmas = karrasSigmas(train[0], train[train.length - 1], steps);
    // Rounded, except for squaredcos_cap_v2, whose fractional timesteps torch's int64 cast truncates.
    const toInt = config.betaSchedule === 'squaredcos_cap_v2' ? Math.trunc : roundHalfEven;
    timesteps = sigmas.map((s) => toInt(sigmaToT(s, logs)));
  } else {
    sigmas = timesteps.map((t) => interpSigma(t, train));
  }
  const last = config.finalSigmasType === 'sigma_min' ? train[0] : 0;
  return { steps: timesteps.length, timesteps, sigmas: [...sigmas, last].map(f), initNoiseSigma: 1 };
}

/** _sigma_to_alpha_sigma_t and the log-SNR lambda_t of a float32 sigma. */
function vp(sigma: number): { alpha: number; sigma: number; lambda: number } {
  const alpha = f(1 / sqrtf(f(f(sigma * sigma) + 1)));
  const s = f(sigma * alpha);
  return { alpha, sigma: s, lambda: f(f(Math.log(alpha)) - f(Math.log(s))) };
}

/** The scalars of one step, shared by the step and its linear form. */
function dpmStepScalars(schedule: Schedule, stepIndex: number, hasPreviousX0: boolean) {
  // diffusers compares its absolute step index with the full schedule's length (image to image starts part-way).
  const n = schedule.steps;
  const at = stepIndex + (schedule.begin ?? 0);
  const s0 = vp(schedule.sigmas[stepIndex]);
  const t = vp(schedule.sigmas[stepIndex + 1]);
  const h = f(t.lambda - s0.lambda);
  const ratio = f(t.sigma / s0.sigma);
  // alpha_t * (torch.exp(-h) - 1.0), with torch's own (SLEEF) exp
  const coef = f(t.alpha * f(torchExpf(-h) - 1));
  const { finalSigmasType, lowerOrderFinal } = schedule.config;
  const lowerFinal = at === n - 1 && (finalSigmasType === 'zero' || (lowerOrderFinal && n < 15));
  const firstOrder = !hasPreviousX0 || stepIndex === 0 || lowerFinal;
  return { s0, h, ratio, coef, firstOrder };
}

export const dpmpp2m: SchedulerDef<'dpmpp_2m'> = {
  kind: 'dpmpp_2m',
  label: 'DPM++ 2M',
  diffusersClass: 'DPMSolverMultistepScheduler',
  supportsKarras: true,
  classDefaults: { timestep_spacing: 'linspace' },
  schedule: dpmSchedule,
  step(schedule, stepIndex, modelOutput, sample, state) {
    checkLengths(modelOutput, sample);
    const { s0, h, ratio, coef, firstOrder } = dpmStepScalars(schedule, stepIndex, state.previousX0 !== null);
    const x0 = new Float32Array(sample.length);
    for (let i = 0; i < x0.length; i++) {
      x0[i] = schedule.config.predictionType === 'epsilon'
        ? f(sample[i] - f(s0.sigma * modelOutput[i])) / s0.alpha
        : f(s0.alpha * sample[i]) - f(s0.sigma * modelOutput[i]);
    }
    const prevSample = new Float32Array(sample.length);
    if (firstOrder) {
      for (let i = 0; i < x0.length; i++) prevSample[i] = f(ratio * sample[i]) - f(coef * x0[i]);
    } else {
      const prev = state.previousX0!;
      if (prev.length !== x0.length) throw new Error('scheduler state does not match the sample size');
      const s1 = vp(schedule.sigmas[stepIndex - 1]);
      const r0 = f(f(s0.lambda - s1.lambda) / h);
      const invR0 = f(1 / r0);
      const half = f(0.5 * coef);
      for (let i = 0; i < x0.length; i++) {
        const d1 = f(invR0 * f(x0[i] - prev[i]));
        prevSample[i] = f(f(ratio * sample[i]) - f(coef * x0[i])) - f(half * d1);
      }
    }
    return { prevSample, predOriginal: x0, state: { ...state, stepsDone: state.stepsDone + 1, previousX0: x0.slice() } };
  },
  freshState,
  linear(schedule, stepIndex, hasPreviousX0) {
    const { s0, h, ratio, coef, firstOrder } = dpmStepScalars(schedule, stepIndex, hasPreviousX0);
    const x0 = schedule.config.predictionType === 'epsilon'
      ? [{ of: 'sample', coef: 1 / s0.alpha }, { of: 'output', coef: -s0.sigma / s0.alpha }] as const
      : [{ of: 'sample', coef: s0.alpha }, { of: 'output', coef: -s0.sigma }] as const;
    if (firstOrder) return { inputScale: 1, x0: { terms: [...x0] }, next: [{ of: 'sample', coef: ratio }, { of: 'x0', coef: -coef }], keepsX0: true };
    const s1 = vp(schedule.sigmas[stepIndex - 1]);
    const d = f(0.5 * coef) * f(1 / f(f(s0.lambda - s1.lambda) / h));
    return { inputScale: 1, x0: { terms: [...x0] },
      next: [{ of: 'sample', coef: ratio }, { of: 'x0', coef: -coef - d }, { of: 'previousX0', coef: d }], keepsX0: true };
  },
  addNoise(schedule, stepIndex, original, noise) {
    checkLengths(noise, original);
    // alpha_t * original_samples + sigma_t * noise, at the step's sigma
    const { alpha, sigma } = vp(schedule.sigmas[stepIndex]);
    return original.map((x, i) => f(alpha * x) + f(sigma * noise[i]));
  },
};
