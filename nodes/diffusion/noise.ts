import { TorchGenerator } from '../../src/diffusion/torchRandom.ts';
import { defineNode, int, seed } from '../../src/kernel/define.ts';
import { latentSketch } from '../../src/kernel/sketch.ts';
import { latentLayout } from '../../src/runtime/manifest.ts';
import { F32 } from '../../src/runtime/memory.ts';

export default defineNode({
  type: 'diffusion.noise', version: 1, title: 'Noise', category: 'Diffusion',
  aliases: ['empty latent image', 'latent', 'random noise'],
  description: 'A seeded unit Gaussian latent, value for value what torch.randn gives for the same seed on CPU.',
  inputs: { unet: { type: 'UNET', optional: true } },
  params: {
    seed: seed({ default: 42 }),
    width: int({ default: 512, min: 8, max: 4096, step: 8 }),
    height: int({ default: 512, min: 8, max: 4096, step: 8 }),
    batch: int({ default: 1, min: 1, max: 64 }),
  },
  outputs: { latent: 'LATENT' },
  memory(params, inputs) {
    // Without its inputs yet (before the run), SD's 4 channels and 1/8 size; the exact figure comes later.
    const { channels, downscale } = latentLayout(inputs.unet?.manifest);
    const values = params.batch * channels * Math.ceil(params.height / downscale) * Math.ceil(params.width / downscale);
    return { bytes: 2 * F32 * values, lower: 'batch, width or height' };
  },
  sketch(params, { unet }, { unknown }) {
    if (unknown.includes('unet')) return {}; // wired, but its model is not known yet: no guess
    const { channels, downscale } = latentLayout(unet?.manifest);
    if (params.width % downscale || params.height % downscale) return {};
    return { latent: latentSketch([params.batch, channels, params.height / downscale, params.width / downscale]) };
  },
  async run({ inputs, params }) {
    // Channels and downscale come from the model; SD 1.x/2.x values when no model is wired.
    const { channels, downscale } = latentLayout(inputs.unet?.manifest);
    if (params.width % downscale || params.height % downscale) {
      throw new Error(`width and height must be multiples of ${downscale} (got ${params.width}x${params.height})`);
    }
    const dims = [params.batch, channels, params.height / downscale, params.width / downscale];
    const generator = new TorchGenerator(params.seed);
    const data = generator.randn(dims);
    return { latent: { kind: 'latent', tensor: { dtype: 'float32', dims, data }, generator: generator.getState() } };
  },
});
