import { describe, expect, it } from 'vitest';
import { image } from '../../src/image/value.ts';
import { nyquistEnergy } from './spectrum.ts';

/** The definition, computed the long way: a full 2-D DFT per channel, mean |F|^2/(HW) on row H/2 and column W/2. */
function byDft(img: ReturnType<typeof image>): number {
  const { width: w, height: h, channels } = img;
  let sum = 0;
  for (let c = 0; c < 3; c++) {
    const power = (ky: number, kx: number) => {
      let re = 0, im = 0;
      for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) {
        const a = -2 * Math.PI * (ky * y / h + kx * x / w);
        const v = img.data[(y * w + x) * channels + c];
        re += v * Math.cos(a); im += v * Math.sin(a);
      }
      return (re * re + im * im) / (h * w);
    };
    let row = 0, col = 0;
    for (let kx = 0; kx < w; kx++) row += power(h / 2, kx);
    for (let ky = 0; ky < h; ky++) col += power(ky, w / 2);
    sum += (row / w + col / h) / 2;
  }
  return sum / 3;
}

describe('nyquistEnergy', () => {
  it('equals the mean DFT power on the Nyquist row and column', () => {
    const img = image(8, 6, 3);
    let s = 7;
    for (let i = 0; i < img.data.length; i++) { s = (s * 16807) % 2147483647; img.data[i] = s / 2147483647; }
    expect(nyquistEnergy(img)).toBeCloseTo(byDft(img), 9);
  });

  it('is large for a checkerboard and zero for a flat image', () => {
    const flat = image(8, 8, 3);
    flat.data.fill(0.5);
    const checker = image(8, 8, 3);
    for (let y = 0; y < 8; y++) for (let x = 0; x < 8; x++) checker.data.fill((x + y) % 2, (y * 8 + x) * 3, (y * 8 + x) * 3 + 3);
    expect(nyquistEnergy(flat)).toBe(0);
    expect(nyquistEnergy(checker)).toBeGreaterThan(1);
  });
});
