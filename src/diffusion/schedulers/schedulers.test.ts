import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/schedulers.json';
import { TorchGenerator } from '../torchRandom.ts';
import {
  type SchedulerKind, type SchedulerState, alphasCumprod, betas, configFromDiffusers, freshState, makeSchedule,
  scaleModelInput, step,
} from './index.ts';

type Json = Record<string, unknown>;
interface StepRecord {
  modelInput: number[]; modelOutput: number[]; prevSample: number[]; predOriginal: number[]; noise: number[] | null;
}
interface Trajectory {
  kind: SchedulerKind; config: Json; steps: number; noiseSeed: number; timesteps: number[]; initial: number[];
  trace: StepRecord[];
}

const base = fixture.baseConfig as Json;
const presets = fixture.betaPresets as Record<string, Json>;

/** |got - want| <= rel * |want| + abs, element by element; returns the first failure. */
function closeTo(got: ArrayLike<number>, want: ArrayLike<number>, rel = 1e-5, abs = 1e-5): string | null {
  if (got.length !== want.length) return `length ${got.length} != ${want.length}`;
  for (let i = 0; i < want.length; i++) {
    if (!(Math.abs(got[i] - want[i]) <= rel * Math.abs(want[i]) + abs)) return `[${i}] ${got[i]} != ${want[i]}`;
  }
  return null;
}

describe('training betas and alphas_cumprod are bit-exact (torch float32 linspace and cumprod)', () => {
  for (const [name, want] of Object.entries(fixture.betas)) {
    it(name, () => {
      const config = configFromDiffusers({ ...base, ...presets[name] });
      expect(betas(config)).toEqual(want.betas);
      expect(alphasCumprod(config)).toEqual(want.alphasCumprod);
    });
  }
});

describe('schedules are bit-exact (timesteps, sigmas, init noise sigma)', () => {
  for (const c of fixture.schedules) {
    const extra = c.extra as Json;
    const name = `${c.kind} ${c.betas} ${c.spacing}${c.karras ? ' karras' : ''}${Object.keys(extra).length ? ` ${JSON.stringify(extra)}` : ''} ${c.steps} steps`;
    it(name, () => {
      const config = configFromDiffusers({
        ...base, ...presets[c.betas], timestep_spacing: c.spacing, use_karras_sigmas: c.karras, ...extra,
      });
      const s = makeSchedule(c.kind as SchedulerKind, config, c.steps);
      expect(s.timesteps).toEqual(c.timesteps);
      expect(s.sigmas).toEqual(c.sigmas);
      expect(s.initNoiseSigma).toBe(c.initNoiseSigma);
    });
  }
});

function run(t: Trajectory, noiseFor: (stepIndex: number) => (n: number) => Float32Array) {
  const config = configFromDiffusers({ ...base, ...t.config });
  const schedule = makeSchedule(t.kind, config, t.steps);
  let sample: Float32Array = Float32Array.from(t.initial);
  let state: SchedulerState = freshState();
  const failures: string[] = [];
  t.trace.forEach((rec, i) => {
    const input = scaleModelInput(schedule, i, sample);
    const r = step(schedule, i, Float32Array.from(rec.modelOutput), sample, state, noiseFor(i));
    for (const [what, got, want] of [
      ['modelInput', input, rec.modelInput], ['prevSample', r.prevSample, rec.prevSample],
      ['predOriginal', r.predOriginal, rec.predOriginal],
    ] as const) {
      const bad = closeTo(got, want, 0, 0);
      if (bad) failures.push(`step ${i} ${what}: ${bad}`);
    }
    sample = r.prevSample;
    state = structuredClone(r.state); // state must survive a structured clone (worker messages)
  });
  return { schedule, failures };
}

describe('trajectories match the reference step by step (1e-5 relative)', () => {
  for (const t of fixture.trajectories as Trajectory[]) {
    const name = `${t.kind} ${JSON.stringify(t.config)} ${t.steps} steps`;
    it(name, () => {
      const { schedule, failures } = run(t, (i) => (n) => {
        const z = t.trace[i].noise;
        if (!z || z.length !== n) throw new Error(`no recorded noise for step ${i}`);
        return Float32Array.from(z);
      });
      expect(closeTo(schedule.timesteps, t.timesteps, 1e-5, 1e-4)).toBeNull();
      expect(failures).toEqual([]);
    });
  }

  it('draws exactly the latent and the noise torch drew, when fed from a TorchGenerator', () => {
    for (const t of fixture.trajectories as Trajectory[]) {
      const g = new TorchGenerator(t.noiseSeed);
      const latent = g.randn([1, 4, 2, 2]);
      const { schedule, failures } = run(t, (i) => (n) => {
        const z = g.randn([n]);
        expect(Array.from(z)).toEqual(t.trace[i].noise);
        return z;
      });
      expect(closeTo(latent.map((v) => v * schedule.initNoiseSigma), t.initial, 1e-6, 0)).toBeNull();
      expect(failures).toEqual([]);
    }
  });
});
