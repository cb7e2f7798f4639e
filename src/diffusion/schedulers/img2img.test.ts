import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/img2img.json';
import { TorchGenerator } from '../torchRandom.ts';
import { f } from './float32.ts';
import {
  type SchedulerKind, type SchedulerState, addNoise, configFromDiffusers, freshState, img2imgSchedule, inpaintBlend, makeSchedule,
  scaleModelInput, step,
} from './index.ts';

interface Case {
  kind: SchedulerKind; config: Record<string, unknown>; steps: number; strength: number; refused?: boolean;
  begin?: number; timesteps?: number[]; start?: number[]; trace?: number[][];
}

const c = Float32Array.from(fixture.c);
/** The reference's fake model, float32 op for op: 0.5 * x + c * float32(t / 1000). */
const fakeModel = (x: Float32Array, t: number) => {
  const tt = f(t / 1000);
  return x.map((v, i) => f(0.5 * v) + f(c[i] * tt));
};

function firstDifference(got: ArrayLike<number>, want: ArrayLike<number>): string | null {
  if (got.length !== want.length) return `length ${got.length} != ${want.length}`;
  for (let i = 0; i < want.length; i++) if (got[i] !== want[i]) return `[${i}] ${got[i]} != ${want[i]}`;
  return null;
}

describe("image to image equals diffusers' StableDiffusionImg2ImgPipeline (timesteps, noised start, every step; bit-exact)", () => {
  for (const k of fixture.cases as Case[]) {
    it(`${k.kind} ${JSON.stringify(k.config)} ${k.steps} steps, strength ${k.strength}`, () => {
      const config = configFromDiffusers({ ...fixture.baseConfig, ...k.config });
      const full = makeSchedule(k.kind, config, k.steps);
      if (k.refused) {
        expect(() => img2imgSchedule(full, k.strength)).toThrow(/leaves no step to run/);
        return;
      }
      const schedule = img2imgSchedule(full, k.strength);
      expect(schedule.begin ?? 0).toBe(k.begin);
      expect(schedule.timesteps).toEqual(k.timesteps);
      const g = new TorchGenerator(fixture.noiseSeed);
      const noise = g.randn(fixture.shape);
      let x = addNoise(schedule, Float32Array.from(fixture.init), noise);
      expect(firstDifference(x, k.start!)).toBeNull();
      let state: SchedulerState = freshState();
      const failures: string[] = [];
      for (let i = 0; i < schedule.timesteps.length; i++) {
        const out = fakeModel(scaleModelInput(schedule, i, x), schedule.timesteps[i]);
        const r = step(schedule, i, out, x, state, (n) => g.randn([n]));
        const bad = firstDifference(r.prevSample, k.trace![i]);
        if (bad) failures.push(`step ${i}: ${bad}`);
        x = r.prevSample;
        state = r.state;
      }
      expect(failures).toEqual([]);
    });
  }
});

describe('img2imgSchedule', () => {
  const config = configFromDiffusers(fixture.baseConfig);
  it('strength 1 is the whole schedule, unchanged', () => {
    const s = makeSchedule('euler', config, 10);
    expect(img2imgSchedule(s, 1)).toBe(s);
  });
  it('refuses strengths outside (0, 1]', () => {
    const s = makeSchedule('ddim', config, 10);
    for (const bad of [0, -0.5, 1.01, Number.NaN]) expect(() => img2imgSchedule(s, bad)).toThrow(/strength must be in \(0, 1\]/);
  });
  it('runs int(steps x strength) steps: 10 x 0.3 is 3 (3.0000000000000004 in floating point)', () => {
    const s = img2imgSchedule(makeSchedule('ddim', config, 10), 0.3);
    expect(s.timesteps).toEqual([201, 101, 1]);
    expect(s.begin).toBe(7);
  });
});

describe("inpainting with a 4-channel UNet equals diffusers' StableDiffusionInpaintPipeline (start, every blended step; bit-exact)", () => {
  const mask = Float32Array.from(fixture.mask);
  for (const k of fixture.inpaint as Case[]) {
    it(`${k.kind} ${k.steps} steps, strength ${k.strength}`, () => {
      const config = configFromDiffusers({ ...fixture.baseConfig, ...(k.kind === 'lcm' ? { set_alpha_to_one: true } : {}) });
      const schedule = img2imgSchedule(makeSchedule(k.kind, config, k.steps), k.strength);
      const g = new TorchGenerator(fixture.noiseSeed);
      const noise = g.randn(fixture.shape);
      const init = Float32Array.from(fixture.init);
      // Strength 1 starts from noise (diffusers' is_strength_max), not from the noised image.
      let x = k.strength === 1 ? noise.map((v) => v * schedule.initNoiseSigma) : addNoise(schedule, init, noise);
      expect(firstDifference(x, k.start!)).toBeNull();
      let state: SchedulerState = freshState();
      const failures: string[] = [];
      for (let i = 0; i < schedule.timesteps.length; i++) {
        const out = fakeModel(scaleModelInput(schedule, i, x), schedule.timesteps[i]);
        const r = step(schedule, i, out, x, state, (n) => g.randn([n]));
        x = inpaintBlend(schedule, i, r.prevSample, init, noise, mask);
        const bad = firstDifference(x, k.trace![i]);
        if (bad) failures.push(`step ${i}: ${bad}`);
        state = r.state;
      }
      expect(failures).toEqual([]);
      expect(x[0]).toBe(init[0]); // outside the mask: the init latent itself at the end
    });
  }
});
