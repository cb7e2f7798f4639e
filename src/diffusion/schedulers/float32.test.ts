import { describe, expect, it } from 'vitest';
import fixture from '../fixtures/torch_exp.json';
import { f, torchExpf } from './float32.ts';

describe('torchExpf', () => {
  it("equals torch.exp on float32 CPU tensors (SLEEF's expf), also where that is not correctly rounded", () => {
    const bad: string[] = [];
    let notRounded = 0;
    fixture.x.forEach((x, i) => {
      const want = fixture.exp[i] === 'inf' ? Infinity : (fixture.exp[i] as number);
      if (torchExpf(x) !== want) bad.push(`exp(${x}) = ${torchExpf(x)}, torch ${want}`);
      if (f(Math.exp(x)) !== want) notRounded++;
    });
    expect(bad).toEqual([]);
    expect(notRounded).toBe(fixture.notCorrectlyRounded);
    expect(notRounded).toBeGreaterThan(0);
  });
});
