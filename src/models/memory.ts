// Conservative estimates of what running a model needs, from shapes and the model's size, so a node can
// declare its memory need (src/kernel/define.ts `memory`) before anything is allocated. The factors were
// measured with onnxruntime-node (CPU, one thread, peak RSS of a child process) on the bundled models:
//
//   UNet (loom-emoji-sd, 6.1 MB), batch 2, latent s x s:  s=32 74 MB, s=64 1.1 GB, s=128 17.4 GB over the
//     process's 99 MB. Attention over the h*w latent positions dominates: per batch item about
//     32 * (h*w)^2 bytes (8 heads of float32 scores) plus ~8 KB per latent position. We take 36 and 16 KB,
//     the latter grown with the square root of the weights (wider models carry more channels).
//   VAE decoder (loom-emoji-sd, 0.6 MB), latent s x s: ~300 bytes per decoded pixel (s=128 and s=256). We
//     take 320, grown with the square root of the weights the same way.
//   Those were the 64 px model. The 128 px loom-emoji-sd (UNet 17.2 MB, self-attention from half the
//   latent's resolution down) needs per batch item about 2 * (h*w)^2 + 4.9 KB * h*w (s=96 434 MB, s=128
//   1.25 GB at batch 2), and its VAE decoder (3.7 MB) 540 bytes per decoded pixel (s=128 and s=256): the
//   estimates below stay above both (the UNet's by 10 to 16 times, as a UNet with self-attention at the
//   latent's full resolution, SD 1.x's, needs the 36 bytes per pair).
//
//   Upscaler (loom-sr-x4, 0.37 MB, x4), input s x s: 1010 to 1150 bytes per input pixel (s = 128, 256, 512,
//     768; peak RSS over the process's after a warm-up run), 192 of them the output tensor. We take the
//     output twice (tensor and image) plus 1000, grown with the square root of the weights.
//
// Sessions hold the weights about three times over while they are made (file bytes, initialisers,
// pre-packed copies), so 3x the files' size is added.
import type { ModelManifest } from '../runtime/manifest.ts';
import { F32 } from '../runtime/memory.ts';

/** Bytes of the model files (and their external data) that play `role`. */
export function weightBytes(manifest: ModelManifest, role: string): number {
  return manifest.files.filter((f) => f.role === role || f.role === `${role}_data`).reduce((n, f) => n + f.bytes, 0);
}

const widthFactor = (weights: number, reference: number) => Math.sqrt(Math.max(1, weights / reference));

/** One UNet run over `items` batch rows (batch x 2 with guidance) of h x w latents. */
export function unetRunBytes(weights: number, items: number, h: number, w: number): number {
  const positions = h * w;
  const perItem = 36 * positions * positions + 16 * 1024 * widthFactor(weights, 6e6) * positions;
  return 3 * weights + items * perItem;
}

/** One VAE decoder run of one latent item decoding to a `pixels`-pixel image. */
export function vaeRunBytes(weights: number, pixels: number): number {
  return 3 * weights + 320 * widthFactor(weights, 6e5) * pixels + 3 * F32 * pixels;
}

/** One upscaler run over a `pixels`-pixel input at `scale`, the output image it fills included. */
export function upscalerRunBytes(weights: number, scale: number, pixels: number): number {
  return 3 * weights + pixels * (2 * 3 * F32 * scale * scale + 1000 * widthFactor(weights, 3.6e5));
}
