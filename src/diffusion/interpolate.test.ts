import { describe, expect, it } from 'vitest';
import fixture from './fixtures/interpolate.json';
import { interpolate, type InterpolateMode } from './interpolate.ts';

describe('interpolate equals torch.nn.functional.interpolate (align_corners False, torch 1.13 on the CPU)', () => {
  for (const c of fixture.cases) {
    it(`${c.mode} [${c.dims.join(', ')}] -> ${c.size.join('x')}`, () => {
      const got = interpolate(Float32Array.from(c.input), c.dims, c.size[0], c.size[1], c.mode as InterpolateMode | 'nearest');
      expect(got.length).toBe(c.output.length);
      let max = 0;
      let exact = 0;
      for (let i = 0; i < got.length; i++) {
        max = Math.max(max, Math.abs(got[i] - c.output[i]));
        if (got[i] === c.output[i]) exact++;
      }
      // Nearest bit for bit; bilinear and bicubic within a few float32 ulps of these values (|x| < 5): the
      // same indices and weights, but aten's compiled kernels round some sums differently (fused multiply-adds).
      if (c.mode.startsWith('nearest')) expect(exact).toBe(got.length);
      else expect(max).toBeLessThan(c.mode === 'bilinear' ? 1e-6 : 4e-6);
    });
  }
});
