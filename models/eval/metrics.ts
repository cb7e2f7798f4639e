// Image quality figures on float images in [0, 1] (HWC).

export function psnr(a: Float32Array, b: Float32Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i] - b[i]) ** 2;
  return 10 * Math.log10(1 / (se / a.length));
}

/** Mean SSIM over channels with an 11x11 Gaussian window (sigma 1.5), as in Wang et al. 2004. */
export function ssim(a: Float32Array, b: Float32Array, width: number, height: number, channels: number): number {
  const radius = 5;
  const g = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * 1.5 ** 2)));
  const sum = g.reduce((s, v) => s + v, 0);
  const w = g.map((v) => v / sum);
  const [c1, c2] = [0.01 ** 2, 0.03 ** 2];
  let total = 0;
  let count = 0;
  const blur = (src: Float32Array) => {
    const tmp = new Float32Array(width * height);
    const out = new Float32Array(width * height);
    for (let y = 0; y < height; y++) for (let x = radius; x < width - radius; x++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) s += w[k + radius] * src[y * width + x + k];
      tmp[y * width + x] = s;
    }
    for (let y = radius; y < height - radius; y++) for (let x = radius; x < width - radius; x++) {
      let s = 0;
      for (let k = -radius; k <= radius; k++) s += w[k + radius] * tmp[(y + k) * width + x];
      out[y * width + x] = s;
    }
    return out;
  };
  for (let c = 0; c < channels; c++) {
    const x = new Float32Array(width * height);
    const y = new Float32Array(width * height);
    for (let i = 0; i < width * height; i++) { x[i] = a[i * channels + c]; y[i] = b[i * channels + c]; }
    const [mx, my] = [blur(x), blur(y)];
    const [xx, yy, xy] = [blur(x.map((v) => v * v)), blur(y.map((v) => v * v)), blur(x.map((v, i) => v * y[i]))];
    for (let py = radius; py < height - radius; py++) for (let px = radius; px < width - radius; px++) {
      const i = py * width + px;
      const vx = xx[i] - mx[i] ** 2;
      const vy = yy[i] - my[i] ** 2;
      const cov = xy[i] - mx[i] * my[i];
      total += ((2 * mx[i] * my[i] + c1) * (2 * cov + c2)) / ((mx[i] ** 2 + my[i] ** 2 + c1) * (vx + vy + c2));
      count++;
    }
  }
  return total / count;
}

/** Root-mean-square pixel distance between two equally sized images' data. */
export function rms(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}
