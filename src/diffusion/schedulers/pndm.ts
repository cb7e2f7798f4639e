// PNDM (Liu et al. 2022), as diffusers' PNDMScheduler, the scheduler public Stable Diffusion 1.x
// exports name. With skip_prk_steps (their setting) it is PLMS: n + 1 model evaluations for n steps,
// the second one redoing the first step with the average of two outputs (a Heun-like start), then
// linear multistep formulas of order 2, 3 and 4. Without it, 12 Runge-Kutta evaluations come first.
// Float32 operations in diffusers' order.
import {
  addNoiseAtTimestep, type Schedule, type SchedulerConfig, type SchedulerDef, type SchedulerState, arangeDown, checkLengths,
  freshState, linspace, roundHalfEven, sqrtf,
} from './common.ts';
import { alphaAt } from './ddim.ts';
import { f } from './float32.ts';

const PNDM_ORDER = 4;

/** self._timesteps of set_timesteps: ascending. */
function baseTimesteps(config: SchedulerConfig, steps: number): number[] {
  const T = config.numTrainTimesteps;
  switch (config.timestepSpacing) {
    case 'linspace':
      return linspace(0, T - 1, steps).map(roundHalfEven);
    case 'leading': {
      const ratio = Math.floor(T / steps);
      return Array.from({ length: steps }, (_, i) => i * ratio + config.stepsOffset);
    }
    case 'trailing':
      return arangeDown(T, 0, -T / steps).map(roundHalfEven).reverse().map((t) => t - 1);
  }
}

function pndmTimesteps(config: SchedulerConfig, steps: number): { prk: number[]; plms: number[] } {
  const ts = baseTimesteps(config, steps);
  if (config.skipPrkSteps) {
    // concatenate([ts[:-1], ts[-2:-1], ts[-1:]])[::-1]
    return { prk: [], plms: [...ts.slice(0, -1), ...ts.slice(-2, -1), ...ts.slice(-1)].reverse() };
  }
  // ts[-4:].repeat(2) + tile([0, T // n // 2], 4), then [:-1].repeat(2)[1:-1], reversed
  const half = Math.floor(Math.floor(config.numTrainTimesteps / steps) / 2);
  const pairs = ts.slice(-PNDM_ORDER).flatMap((t) => [t, t + half]);
  const doubled = pairs.slice(0, -1).flatMap((t) => [t, t]);
  return { prk: doubled.slice(1, -1).reverse(), plms: ts.slice(0, -3).reverse() };
}

/** The number of Runge-Kutta evaluations a schedule starts with (0 with skip_prk_steps). */
export function prkCount(schedule: Schedule): number {
  return schedule.config.skipPrkSteps ? 0 : pndmTimesteps(schedule.config, schedule.steps).prk.length;
}

/** _get_prev_sample: x_{t-delta} from x_t and the (combined) model output, formula (9) of the paper. */
function prevSampleOf(
  schedule: Schedule, sample: Float32Array, t: number, prevT: number, modelOutput: Float32Array,
): Float32Array {
  const a = alphaAt(schedule, t);
  const aPrev = alphaAt(schedule, prevT);
  const b = f(1 - a);
  const bPrev = f(1 - aPrev);
  let eps = modelOutput;
  if (schedule.config.predictionType === 'v_prediction') {
    const sa = sqrtf(a);
    const sb = sqrtf(b);
    eps = new Float32Array(sample.length);
    for (let i = 0; i < eps.length; i++) eps[i] = f(sa * modelOutput[i]) + f(sb * sample[i]);
  }
  const sampleCoeff = sqrtf(f(aPrev / a));
  const denom = f(f(a * sqrtf(bPrev)) + sqrtf(f(f(a * b) * aPrev)));
  const diff = f(aPrev - a);
  const out = new Float32Array(sample.length);
  for (let i = 0; i < out.length; i++) out[i] = f(sampleCoeff * sample[i]) - f(f(diff * eps[i]) / denom);
  return out;
}

/** A preview of the clean sample from this evaluation's own output (diffusers' PNDM reports none). */
function x0Estimate(schedule: Schedule, t: number, modelOutput: Float32Array, sample: Float32Array): Float32Array {
  const a = alphaAt(schedule, t);
  const sa = sqrtf(a);
  const sb = sqrtf(f(1 - a));
  const out = new Float32Array(sample.length);
  for (let i = 0; i < out.length; i++) {
    out[i] = schedule.config.predictionType === 'epsilon'
      ? f(sample[i] - f(sb * modelOutput[i])) / sa
      : f(sa * sample[i]) - f(sb * modelOutput[i]);
  }
  return out;
}

/** c * x, float32, as `c * tensor` with a Python float c. */
const scaled = (c: number, x: Float32Array) => { const k = f(c); return x.map((v) => k * v); };

function stepPrk(
  schedule: Schedule, counter: number, modelOutput: Float32Array, sample: Float32Array, state: SchedulerState,
): { prev: Float32Array; state: SchedulerState } {
  const { prk } = pndmTimesteps(schedule.config, schedule.steps);
  const half = Math.floor(Math.floor(schedule.config.numTrainTimesteps / schedule.steps) / 2);
  const prevT = schedule.timesteps[counter] - (counter % 2 ? 0 : half);
  const t = prk[Math.floor(counter / 4) * 4];
  let { ets, curSample, curModelOutput } = state;
  let output = modelOutput;
  const add = (acc: Float32Array | null, x: Float32Array) => (acc ? acc.map((v, i) => v + x[i]) : x);
  switch (counter % 4) {
    case 0:
      curModelOutput = add(curModelOutput, scaled(1 / 6, modelOutput));
      ets = [...ets, modelOutput.slice()];
      curSample = sample.slice();
      break;
    case 1:
    case 2:
      curModelOutput = add(curModelOutput, scaled(1 / 3, modelOutput));
      break;
    case 3:
      output = add(curModelOutput, scaled(1 / 6, modelOutput));
      curModelOutput = null;
      break;
  }
  const prev = prevSampleOf(schedule, curSample ?? sample, t, prevT, output);
  return { prev, state: { ...state, ets, curSample, curModelOutput } };
}

function stepPlms(
  schedule: Schedule, counter: number, modelOutput: Float32Array, sample: Float32Array, state: SchedulerState,
): { prev: Float32Array; state: SchedulerState } {
  const ratio = Math.floor(schedule.config.numTrainTimesteps / schedule.steps);
  let t = schedule.timesteps[counter];
  let prevT = t - ratio;
  let { ets, curSample } = state;
  if (counter !== 1) {
    ets = [...ets.slice(-3), modelOutput.slice()];
  } else {
    prevT = t;
    t += ratio;
  }
  const e = ets;
  const n = e.length;
  const m = modelOutput.length;
  let output: Float32Array;
  let from = sample;
  if (n === 1 && counter === 0) {
    output = modelOutput;
    curSample = sample.slice();
  } else if (n === 1 && counter === 1) {
    output = new Float32Array(m);
    for (let i = 0; i < m; i++) output[i] = f(modelOutput[i] + e[0][i]) / 2;
    from = curSample!;
    curSample = null;
  } else if (n === 2) {
    output = new Float32Array(m);
    for (let i = 0; i < m; i++) output[i] = f(f(3 * e[1][i]) - e[0][i]) / 2;
  } else if (n === 3) {
    output = new Float32Array(m);
    for (let i = 0; i < m; i++) output[i] = f(f(f(23 * e[2][i]) - f(16 * e[1][i])) + f(5 * e[0][i])) / 12;
  } else {
    output = new Float32Array(m);
    const k = f(1 / 24);
    for (let i = 0; i < m; i++) {
      output[i] = k * f(f(f(f(55 * e[3][i]) - f(59 * e[2][i])) + f(37 * e[1][i])) - f(9 * e[0][i]));
    }
  }
  const prev = prevSampleOf(schedule, from, t, prevT, output);
  return { prev, state: { ...state, ets, curSample } };
}

export const pndm: SchedulerDef<'pndm'> = {
  kind: 'pndm',
  label: 'PNDM (PLMS)',
  diffusersClass: 'PNDMScheduler',
  supportsKarras: false,
  classDefaults: { timestep_spacing: 'leading', skip_prk_steps: false, set_alpha_to_one: false },
  schedule(config, steps) {
    const { prk, plms } = pndmTimesteps(config, steps);
    if (!config.skipPrkSteps && plms.length < 1) {
      throw new Error(`PNDM with Runge-Kutta steps (skip_prk_steps false) needs at least 4 steps, got ${steps}`);
    }
    return { steps, timesteps: [...prk, ...plms], sigmas: [], initNoiseSigma: 1 };
  },
  step(schedule, stepIndex, modelOutput, sample, state) {
    checkLengths(modelOutput, sample);
    // diffusers counts its calls; a schedule is always stepped in order, so the call count is the index.
    const counter = stepIndex;
    const prk = prkCount(schedule);
    const { prev, state: next } = counter < prk
      ? stepPrk(schedule, counter, modelOutput, sample, state)
      : stepPlms(schedule, counter, modelOutput, sample, state);
    const predOriginal = x0Estimate(schedule, schedule.timesteps[stepIndex], modelOutput, sample);
    return { prevSample: prev, predOriginal, state: { ...next, stepsDone: state.stepsDone + 1 } };
  },
  freshState,
  linear: () => 'PNDM combines the model outputs of up to four steps, kept in its state',
  addNoise: addNoiseAtTimestep,
};
