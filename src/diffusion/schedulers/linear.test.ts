// Each sampler's linear form (what the GPU step kernel runs) against its own float32 step, over whole runs.
import { describe, expect, it } from 'vitest';
import { torchRandn } from '../torchRandom.ts';
import {
  type LinearStep, type LinearTerm, type SchedulerKind, SD15_CONFIG, type SchedulerConfig, freshState, linearStep, makeSchedule,
  scaleModelInput, step,
} from './index.ts';

const f = Math.fround;

/** What the kernel computes: float32 coefficients, float32 products, summed in float32 in the given order. */
function combine(terms: LinearTerm[], buffers: Record<string, Float32Array>, n: number, clamp?: number): Float32Array {
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (const t of terms) acc = f(acc + f(f(t.coef) * buffers[t.of][i]));
    out[i] = clamp === undefined ? acc : Math.min(Math.max(acc, -f(clamp)), f(clamp));
  }
  return out;
}

/** Largest |got - want| over the largest |want|: both paths round differently, never by more than a few ulps of the scale. */
function relError(got: Float32Array, want: Float32Array): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i] - want[i]));
    scale = Math.max(scale, Math.abs(want[i]));
  }
  return err / scale;
}

const cases: [SchedulerKind, Partial<SchedulerConfig>][] = [
  ['euler', {}], ['euler', { predictionType: 'v_prediction' }], ['euler', { useKarrasSigmas: true }],
  ['ddim', {}], ['ddim', { predictionType: 'v_prediction' }], ['ddim', { clipSample: true, clipSampleRange: 1 }],
  ['dpmpp_2m', {}], ['dpmpp_2m', { predictionType: 'v_prediction' }], ['dpmpp_2m', { useKarrasSigmas: true }],
];

describe('linear steps equal the float32 steps within a few ulps, over a whole run', () => {
  for (const [kind, change] of cases) {
    it(`${kind} ${JSON.stringify(change)}`, () => {
      const schedule = makeSchedule(kind, { ...SD15_CONFIG, ...change }, 8);
      const dims = [1, 4, 8, 8];
      const n = 4 * 8 * 8;
      let cpu: Float32Array = torchRandn(1, dims).map((v) => v * schedule.initNoiseSigma);
      let state = freshState();
      let gpu: Float32Array = cpu.slice();
      let previousX0: Float32Array | null = null;
      for (let i = 0; i < schedule.timesteps.length; i++) {
        const plan = linearStep(schedule, i, previousX0 !== null) as LinearStep;
        expect(typeof plan).toBe('object');
        // The same model output for both: a function of the model input, as a UNet is.
        const input = scaleModelInput(schedule, i, cpu);
        const gpuInput = combine([{ of: 'sample', coef: plan.inputScale }], { sample: gpu }, n);
        expect(relError(gpuInput, input)).toBeLessThan(1e-6);
        const output = torchRandn(100 + i, dims).map((z, k) => f(0.3 * z + 0.5 * input[k]));
        const want = step(schedule, i, output, cpu, state);
        const buffers: Record<string, Float32Array> = { sample: gpu, output, ...(previousX0 ? { previousX0 } : {}) };
        const x0 = combine(plan.x0.terms, buffers, n, plan.x0.clamp);
        const next = combine(plan.next, { ...buffers, x0 }, n);
        expect(relError(x0, want.predOriginal)).toBeLessThan(1e-5);
        expect(relError(next, want.prevSample)).toBeLessThan(1e-5);
        if (plan.keepsX0) previousX0 = x0;
        ({ prevSample: cpu, state } = want);
        gpu = next;
      }
      // After the whole run the two paths still agree (errors do not grow step by step).
      expect(relError(gpu, cpu)).toBeLessThan(1e-5);
    });
  }
});

describe('samplers that draw noise or keep several outputs say why they have no linear step', () => {
  it.each([
    ['euler_ancestral', {}, /fresh noise/], ['lcm', {}, /fresh noise/], ['pndm', { skipPrkSteps: true }, /four steps/],
    ['ddim', { eta: 0.5 }, /eta 0.5 draws fresh noise/],
  ] as const)('%s %j', (kind, change, reason) => {
    const schedule = makeSchedule(kind, { ...SD15_CONFIG, ...change }, 4);
    expect(linearStep(schedule, 0, false)).toMatch(reason);
  });
});
