// GAN latents: z per seed from the same torch-compatible generator as Noise, spherical interpolation,
// and truncation in z (the fallback for generators without a truncation input).
import { TorchGenerator } from '../../src/diffusion/torchRandom.ts';

/** z for one seed: torch.randn(1, zDim, generator=torch.Generator().manual_seed(seed)). */
export function latentOf(seed: number, zDim: number): Float32Array {
  return new TorchGenerator(seed).randn([1, zDim]);
}

/**
 * Spherical interpolation from a (t = 0) to b (t = 1). Gaussian latents live near a sphere, and a
 * straight line between two of them passes through the less likely middle, giving washed-out images.
 */
export function slerp(a: Float32Array, b: Float32Array, t: number): Float32Array {
  if (t <= 0) return a.slice();
  if (t >= 1) return b.slice();
  let dot = 0, na = 0, nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  const cos = Math.min(1, Math.max(-1, dot / Math.sqrt(na * nb || 1)));
  const theta = Math.acos(cos);
  const out = new Float32Array(a.length);
  if (Math.sin(theta) < 1e-6) {
    for (let i = 0; i < a.length; i++) out[i] = a[i] + t * (b[i] - a[i]);
    return out;
  }
  const ka = Math.sin((1 - t) * theta) / Math.sin(theta);
  const kb = Math.sin(t * theta) / Math.sin(theta);
  for (let i = 0; i < a.length; i++) out[i] = ka * a[i] + kb * b[i];
  return out;
}

/**
 * Truncation in z, for generators that do not take psi themselves: z_mean + psi * (z - z_mean). The
 * prior is a unit Gaussian, whose mean is 0, so this is z * psi: psi = 1 leaves z alone, psi = 0 gives
 * G(0) for every seed. It is only an approximation of StyleGAN's truncation, which moves the mapped w
 * toward the generator's mean w, a thing only the model can do (see contracts/gan.ts).
 */
export function truncate(z: Float32Array, psi: number): Float32Array {
  if (psi !== 1) for (let i = 0; i < z.length; i++) z[i] *= psi;
  return z;
}
