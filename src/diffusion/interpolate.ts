// torch.nn.functional.interpolate on a float32 NCHW tensor, to a size (align_corners False, no
// antialias), as ComfyUI's latent upscale calls it: nearest-exact, bilinear and bicubic (A = -0.75),
// with aten's CPU index and weight rules, in float32 operations in aten's order. Nearest-exact is
// bit-exact with torch; bilinear and bicubic agree to a few float32 ulps (aten's compiled kernels fuse
// some multiply-adds).

export const INTERPOLATE_MODES = ['nearest-exact', 'bilinear', 'bicubic'] as const;
export type InterpolateMode = (typeof INTERPOLATE_MODES)[number];

const f = Math.fround;

/** One output position's source indices and weights along an axis. */
interface Taps { index: Int32Array; weight: Float32Array; size: number }

/** aten's area_pixel_compute_scale with no scale given: input / output, float32. */
const scaleOf = (input: number, output: number) => f(input / output);

function nearestExactTaps(input: number, output: number): Taps {
  const scale = scaleOf(input, output);
  const index = new Int32Array(output);
  // min(floorf((dst + 0.5) * scale), input - 1): the double product rounded to float, then floored.
  for (let i = 0; i < output; i++) index[i] = Math.min(Math.floor(f((i + 0.5) * scale)), input - 1);
  return { index, weight: new Float32Array(output).fill(1), size: 1 };
}

/** Legacy 'nearest' (interpolate's default mode): min(floorf(dst * scale), input - 1). */
function nearestTaps(input: number, output: number): Taps {
  const scale = scaleOf(input, output);
  const index = new Int32Array(output);
  for (let i = 0; i < output; i++) index[i] = Math.min(Math.floor(f(i * scale)), input - 1);
  return { index, weight: new Float32Array(output).fill(1), size: 1 };
}

function linearTaps(input: number, output: number): Taps {
  const scale = scaleOf(input, output);
  const index = new Int32Array(output * 2);
  const weight = new Float32Array(output * 2);
  for (let i = 0; i < output; i++) {
    // area_pixel_compute_source_index: scale * (dst + 0.5) - 0.5 in double, rounded to float; clamped at 0 (not for cubic)
    let src = f(scale * (i + 0.5) - 0.5);
    if (src < 0) src = 0;
    const i0 = Math.trunc(src);
    const i1 = i0 + (i0 < input - 1 ? 1 : 0);
    const l1 = f(src - i0);
    index[2 * i] = i0; index[2 * i + 1] = i1;
    weight[2 * i] = f(1 - l1); weight[2 * i + 1] = l1;
  }
  return { index, weight, size: 2 };
}

const A = -0.75;
const cubic1 = (x: number) => f(f(f(f(f(f(A + 2) * x) - f(A + 3)) * x) * x) + 1);
const cubic2 = (x: number) => f(f(f(f(f(f(A * x) - f(5 * A)) * x) + f(8 * A)) * x) - f(4 * A));

function cubicTaps(input: number, output: number): Taps {
  const scale = scaleOf(input, output);
  const index = new Int32Array(output * 4);
  const weight = new Float32Array(output * 4);
  for (let i = 0; i < output; i++) {
    const src = f(scale * (i + 0.5) - 0.5);
    const at = Math.floor(src);
    const t = Math.min(Math.max(f(src - at), 0), 1);
    const w = [cubic2(f(t + 1)), cubic1(t), cubic1(f(1 - t)), cubic2(f(f(1 - t) + 1))];
    for (let k = 0; k < 4; k++) {
      index[4 * i + k] = Math.min(Math.max(at - 1 + k, 0), input - 1);
      weight[4 * i + k] = w[k];
    }
  }
  return { index, weight, size: 4 };
}

function taps(mode: InterpolateMode | 'nearest', input: number, output: number): Taps {
  if (mode === 'nearest') return nearestTaps(input, output);
  if (mode === 'nearest-exact') return nearestExactTaps(input, output);
  return mode === 'bilinear' ? linearTaps(input, output) : cubicTaps(input, output);
}

/** data [n, c, h, w] resized to [n, c, outH, outW]. */
export function interpolate(data: Float32Array, dims: number[], outH: number, outW: number, mode: InterpolateMode | 'nearest'): Float32Array {
  const [n, c, h, w] = dims;
  if (dims.length !== 4 || data.length !== n * c * h * w) throw new Error(`expected an [N, C, H, W] tensor, got [${dims.join(', ')}]`);
  if (!(Number.isInteger(outH) && Number.isInteger(outW) && outH >= 1 && outW >= 1)) throw new Error(`bad output size ${outW}x${outH}`);
  const ty = taps(mode, h, outH);
  const tx = taps(mode, w, outW);
  const out = new Float32Array(n * c * outH * outW);
  for (let p = 0; p < n * c; p++) {
    const src = p * h * w;
    const dst = p * outH * outW;
    for (let y = 0; y < outH; y++) {
      for (let x = 0; x < outW; x++) {
        // Interpolate<2>: the outer (height) sum of inner (width) sums, each `t0 * w0 + t1 * w1 + ...` in float32.
        let acc = 0;
        for (let j = 0; j < ty.size; j++) {
          const row = src + ty.index[y * ty.size + j] * w;
          let inner = 0;
          for (let k = 0; k < tx.size; k++) inner = f(inner + f(data[row + tx.index[x * tx.size + k]] * tx.weight[x * tx.size + k]));
          acc = f(acc + f(inner * ty.weight[y * ty.size + j]));
        }
        out[dst + y * outW + x] = acc;
      }
    }
  }
  return out;
}
