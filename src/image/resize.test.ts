import { describe, expect, it } from 'vitest';
import { image } from './value.ts';
import { resizeImage } from './resize.ts';

const row = (values: number[]) => image(values.length, 1, 1, Float32Array.from(values));
const values = (img: { data: Float32Array }) => Array.from(img.data);

describe('resizeImage (worked by hand)', () => {
  it('nearest repeats pixels when enlarging and picks centres when shrinking', () => {
    const img = image(2, 2, 1, Float32Array.from([0.1, 0.2, 0.3, 0.4]));
    expect(values(resizeImage(img, 4, 4, 'nearest'))).toEqual(values(image(4, 4, 1, Float32Array.from([
      0.1, 0.1, 0.2, 0.2, 0.1, 0.1, 0.2, 0.2, 0.3, 0.3, 0.4, 0.4, 0.3, 0.3, 0.4, 0.4]))));
    // centre of output pixel i is at (i + 0.5) * 3 in the source: 1.5 -> 1, 4.5 -> 4
    expect(values(resizeImage(row([0, 0.1, 0.2, 0.3, 0.4, 0.5]), 2, 1, 'nearest'))).toEqual([0.1, 0.4].map(Math.fround));
  });

  it('bilinear doubles [0, 1] to [0, 1/4, 3/4, 1]', () => {
    expect(values(resizeImage(row([0, 1]), 4, 1, 'bilinear'))).toEqual([0, 0.25, 0.75, 1]);
  });

  it('bilinear shrinking by 2 widens the triangle to two source pixels and drops taps outside', () => {
    const out = values(resizeImage(row([0.8, 0.4, 0.0, 0.2]), 2, 1, 'bilinear'));
    // output 0: taps j=0 (|0.5-1|/2 = .25 -> .75), j=1 (.75), j=2 (|2.5-1|/2 = .75 -> .25); sum 1.75
    expect(out[0]).toBeCloseTo((0.75 * 0.8 + 0.75 * 0.4 + 0.25 * 0) / 1.75, 6);
    // output 1 centres at 3.0: j=1 (.25), j=2 (.75), j=3 (.75)
    expect(out[1]).toBeCloseTo((0.25 * 0.4 + 0.75 * 0 + 0.75 * 0.2) / 1.75, 6);
  });

  it('bicubic (a = -0.5) samples a spike at 1.75 with weight 0.8671875', () => {
    // output 3 of 8 from 4 centres at 1.75; taps at distances -1.25, -0.25, 0.75, 1.75:
    // -0.0703125, 0.8671875, 0.2265625, -0.0234375 (sum 1)
    const out = values(resizeImage(row([0, 1, 0, 0]), 8, 1, 'bicubic'));
    expect(out[3]).toBeCloseTo(0.8671875, 6);
    // a negative lobe is clamped to 0 rather than going below the range
    expect(Math.min(...out)).toBe(0);
  });

  it('area averages exactly the covered part of each source pixel', () => {
    const [p, q] = values(resizeImage(row([0.2, 0.4, 0.6, 0.8]), 2, 1, 'area'));
    expect(p).toBeCloseTo(0.3, 6);
    expect(q).toBeCloseTo(0.7, 6);
    const [a, b] = values(resizeImage(row([0.3, 0.6, 0.9]), 2, 1, 'area'));
    expect(a).toBeCloseTo((0.3 + 0.5 * 0.6) / 1.5, 6);
    expect(b).toBeCloseTo((0.5 * 0.6 + 0.9) / 1.5, 6);
  });

  it('works in both directions with several channels and batch items', () => {
    const img = image(3, 2, 3, undefined, 2);
    for (let i = 0; i < img.data.length; i++) img.data[i] = (i % 3) / 4 + (i >= 18 ? 0.25 : 0);
    for (const filter of ['nearest', 'bilinear', 'bicubic', 'area'] as const) {
      const out = resizeImage(img, 5, 7, filter);
      expect(out).toMatchObject({ width: 5, height: 7, channels: 3, batch: 2 });
      // each channel of each item is constant, so it stays constant
      for (let p = 0; p < 35 * 2; p++) {
        for (let c = 0; c < 3; c++) expect(out.data[p * 3 + c]).toBeCloseTo(c / 4 + (p >= 35 ? 0.25 : 0), 6);
      }
    }
  });
});
