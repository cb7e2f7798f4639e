// The memory need of a node that runs the UNet (Denoise, UNet Step): one batched run, cond and uncond
// together when guided, plus what the node keeps of each step; and the latents it gives, sketched.
import type { MemoryNeed } from '../../src/kernel/define.ts';
import type { LatentValue, ModelHandle } from '../../src/kernel/values.ts';
import { unetRunBytes, weightBytes } from '../../src/models/memory.ts';
import { latentSketch } from '../../src/kernel/sketch.ts';
import { F32 } from '../../src/runtime/memory.ts';

export function unetNeed(unet: ModelHandle, latent: LatentValue, cfg: number, stepsKept: number): MemoryNeed {
  const [b, c, h, w] = latent.tensor.dims;
  const items = b * (cfg !== 1 ? 2 : 1);
  const latentBytes = b * c * h * w * F32;
  // Each kept step: its latent, its predicted clean latent and an RGB preview at latent size.
  const kept = stepsKept * (2 * latentBytes + b * h * w * 3 * F32);
  return {
    bytes: unetRunBytes(weightBytes(unet.manifest, 'unet'), items, h, w) + 4 * items * c * h * w * F32 + kept,
    lower: `the latent size (Noise width and height)${b > 1 ? ' or batch' : ''}${cfg !== 1 ? ', or set cfg to 1 (one UNet row per image instead of two)' : ''}`,
  };
}

/** Its `latent` and `denoised` outputs before the run: the input latent's shape. */
export function unetOutputsSketch(latent: LatentValue | undefined): { latent?: LatentValue; denoised?: LatentValue } {
  return latent ? { latent: latentSketch(latent.tensor.dims), denoised: latentSketch(latent.tensor.dims) } : {};
}
