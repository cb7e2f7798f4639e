import { describe, expect, it } from 'vitest';
import { planAxis, planGrid, spanWeights } from './tiles.ts';

describe('tile layout', () => {
  it('covers the axis with equal spans no larger than the tile, overlapping by about the overlap', () => {
    expect(planAxis(100, 128, 16)).toEqual([{ start: 0, size: 100 }]);
    expect(planAxis(1024, 512, 32)).toEqual([{ start: 0, size: 363 }, { start: 330, size: 363 }, { start: 661, size: 363 }]);
  });

  it('gives weights that sum to exactly 1 at every output pixel', () => {
    for (const length of [33, 64, 100, 257, 513]) {
      for (const tile of [32, 48, 64, 128]) {
        for (const overlap of [0, 4, 16, 32]) {
          for (const scale of [1, 2, 4]) {
            const spans = planAxis(length, tile, overlap);
            const sum = new Float64Array(length * scale);
            spans.forEach((s, i) => {
              expect(s.size).toBeLessThanOrEqual(tile);
              spanWeights(spans, i, scale).forEach((w, k) => { sum[s.start * scale + k] += w; });
            });
            expect(Math.max(...sum.map((v) => Math.abs(v - 1)))).toBeLessThan(1e-6);
          }
        }
      }
    }
  });

  it('keeps the outer quarter of each overlap at full weight for the tile that owns it', () => {
    const spans = planAxis(100, 80, 32); // two spans of 66 overlapping by 32
    const w = spanWeights(spans, 0, 1);
    const overlapStart = spans[1].start;
    expect(w[overlapStart + 7]).toBe(1);
    expect(w[overlapStart + 32 - 8]).toBe(0);
  });

  it('lays out a grid in image coordinates', () => {
    const cells = planGrid({ x: 10, y: 20, w: 100, h: 40 }, 64, 64, 16, 2);
    expect(cells.map((c) => c.rect)).toEqual([{ x: 10, y: 20, w: 58, h: 40 }, { x: 52, y: 20, w: 58, h: 40 }]);
  });
});
