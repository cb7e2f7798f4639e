import { describe, expect, it } from 'vitest';
import {
  SCHEDULERS, SD15_CONFIG, type SchedulerState, configFromDiffusers, freshState, isSchedulerKind, makeSchedule,
  scaleModelInput, step,
} from './index.ts';

// Shaped like the scheduler/scheduler_config.json of public SD 1.5 and SD-Turbo exports.
const SD15_JSON = {
  _class_name: 'PNDMScheduler', _diffusers_version: '0.6.0', beta_end: 0.012, beta_schedule: 'scaled_linear',
  beta_start: 0.00085, clip_sample: false, num_train_timesteps: 1000, set_alpha_to_one: false,
  skip_prk_steps: true, steps_offset: 1, trained_betas: null,
};
const SD_TURBO_JSON = {
  _class_name: 'EulerDiscreteScheduler', beta_end: 0.012, beta_schedule: 'scaled_linear', beta_start: 0.00085,
  clip_sample: false, interpolation_type: 'linear', num_train_timesteps: 1000, prediction_type: 'epsilon',
  set_alpha_to_one: false, steps_offset: 1, timestep_spacing: 'trailing', timestep_type: 'discrete',
  trained_betas: null, use_karras_sigmas: false,
};

describe('configFromDiffusers', () => {
  it('reads an SD 1.5 config; keys it leaves out follow the chosen diffusers class', () => {
    expect(configFromDiffusers(SD15_JSON, 'ddim')).toEqual({ ...SD15_CONFIG, timestepSpacing: 'leading' });
    expect(configFromDiffusers(SD15_JSON, 'euler').timestepSpacing).toBe('linspace');
    expect(configFromDiffusers({}, 'ddim').clipSample).toBe(true);
    expect(configFromDiffusers({}, 'lcm').betaSchedule).toBe('scaled_linear');
  });

  it('refuses settings whose math is not implemented', () => {
    expect(() => configFromDiffusers({ rescale_betas_zero_snr: true })).toThrow(/rescale_betas_zero_snr/);
    expect(() => configFromDiffusers({ trained_betas: [0.1, 0.2] })).toThrow(/trained_betas/);
    expect(() => configFromDiffusers({ prediction_type: 'sample' })).toThrow(/prediction_type/);
    expect(() => configFromDiffusers({ timestep_spacing: 'karras' })).toThrow(/timestep_spacing/);
  });
});

describe('well-known schedules', () => {
  it('SD-Turbo: one Euler step at t = 999 from sigma_max', () => {
    const s = makeSchedule('euler', configFromDiffusers(SD_TURBO_JSON, 'euler'), 1);
    expect(s.timesteps).toEqual([999]);
    expect(s.sigmas[0]).toBeCloseTo(14.6146, 3);
    expect(s.sigmas[1]).toBe(0);
    expect(s.initNoiseSigma).toBe(s.sigmas[0]);
  });

  it('SD 1.5 with leading spacing: DDIM 50 steps run 981..1, Euler starts from sqrt(sigma^2 + 1)', () => {
    const config = configFromDiffusers(SD15_JSON, 'ddim');
    const ddim = makeSchedule('ddim', config, 50);
    expect(ddim.timesteps[0]).toBe(981);
    expect(ddim.timesteps.at(-1)).toBe(1);
    expect(ddim.initNoiseSigma).toBe(1);
    const euler = makeSchedule('euler', config, 20);
    expect(euler.timesteps[0]).toBe(951);
    expect(euler.initNoiseSigma).toBeCloseTo(Math.sqrt(euler.sigmas[0] ** 2 + 1), 5);
  });
});

describe('scheduler entry points', () => {
  it('lists every kind once', () => {
    expect(SCHEDULERS.map((s) => s.kind).sort()).toEqual(['ddim', 'dpmpp_2m', 'euler', 'euler_ancestral', 'lcm', 'pndm']);
    expect(isSchedulerKind('euler')).toBe(true);
    expect(isSchedulerKind('heun')).toBe(false);
  });

  it('never mutates its inputs and rejects bad step indices or missing noise', () => {
    const s = makeSchedule('euler_ancestral', SD15_CONFIG, 4);
    const sample = Float32Array.from([1, -2, 3, -4]);
    const out = Float32Array.from([0.5, 0.5, -0.5, 0.1]);
    const before = [Array.from(sample), Array.from(out)];
    scaleModelInput(s, 0, sample);
    step(s, 0, out, sample, freshState(), (n) => new Float32Array(n));
    expect([Array.from(sample), Array.from(out)]).toEqual(before);
    expect(() => step(s, 4, out, sample, freshState(), (n) => new Float32Array(n))).toThrow(/step index/);
    expect(() => step(s, 0, out, sample, freshState())).toThrow(/noise source/);
    expect(() => step(s, 0, out.subarray(1), sample, freshState(), (n) => new Float32Array(n))).toThrow();
  });

  it('resumes a DPM++ 2M run from a structured clone of its state', () => {
    const s = makeSchedule('dpmpp_2m', SD15_CONFIG, 6);
    const model = (x: Float32Array, t: number) => x.map((v, i) => 0.1 * v + Math.sin(0.01 * t + i));
    const runFrom = (i0: number, x0: Float32Array, st0: SchedulerState) => {
      let x: Float32Array = x0;
      let st = st0;
      for (let i = i0; i < s.timesteps.length; i++) {
        const r = step(s, i, model(scaleModelInput(s, i, x), s.timesteps[i]), x, st);
        x = r.prevSample;
        st = r.state;
      }
      return x;
    };
    const start = Float32Array.from([0.3, -1.2, 0.8, 2.0]);
    const full = runFrom(0, start, freshState());
    let x: Float32Array = start;
    let st = freshState();
    for (let i = 0; i < 3; i++) {
      const r = step(s, i, model(scaleModelInput(s, i, x), s.timesteps[i]), x, st);
      x = r.prevSample;
      st = r.state;
    }
    const loaded = structuredClone({ x, st });
    expect(runFrom(3, loaded.x, loaded.st)).toEqual(full);
  });
});
