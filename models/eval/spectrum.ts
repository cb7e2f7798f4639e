// Checkerboard measure: mean power on the Nyquist row and column of each channel's 2-D DFT, normalised by
// H*W (models/train/eval_gan.py's nyquist_energy). By Parseval the row's mean power is the energy of
// r[x] = sum_y (-1)^y img[y][x] over H*W, and likewise for the column, so no FFT is needed.
import type { ImageValue } from '../../src/image/value.ts';

export function nyquistEnergy(images: ImageValue): number {
  const { width: w, height: h, batch, channels } = images;
  let total = 0;
  for (let b = 0; b < batch; b++) for (let c = 0; c < 3; c++) {
    const at = (y: number, x: number) => images.data[((b * h + y) * w + x) * channels + c];
    let row = 0;
    for (let x = 0; x < w; x++) {
      let r = 0;
      for (let y = 0; y < h; y++) r += (y % 2 ? -1 : 1) * at(y, x);
      row += r * r;
    }
    let col = 0;
    for (let y = 0; y < h; y++) {
      let r = 0;
      for (let x = 0; x < w; x++) r += (x % 2 ? -1 : 1) * at(y, x);
      col += r * r;
    }
    total += (row + col) / (2 * h * w);
  }
  return total / (batch * 3);
}
