import { asFloat } from '../../src/runtime/half.ts';
import { latentLayout } from '../../src/runtime/manifest.ts';
import { openFor } from '../../src/models/contracts/contract.ts';
import { VAE_ENCODER } from '../../src/models/contracts/vaeEncoder.ts';
import { TorchGenerator } from '../../src/diffusion/torchRandom.ts';
import { toNCHW } from '../../src/image/convert.ts';
import { f, torchExpf } from '../../src/diffusion/schedulers/float32.ts';
import { choice, defineNode, seed } from '../../src/kernel/define.ts';
import { latentSketch } from '../../src/kernel/sketch.ts';

export default defineNode({
  type: 'diffusion.vae_encode', version: 1, title: 'VAE Encode', category: 'Diffusion',
  description: "An image to latents, through the model's VAE encoder (vae_encoder/model.onnx), times its scaling factor. " +
    'For an encoder that gives the mean and log-variance: their mean, or a seeded sample (torch.randn on the seed, as diffusers draws it).',
  inputs: { vae: 'VAE', image: 'IMAGE' },
  params: {
    mode: choice({ choices: ['mean', 'sample'] as const, default: 'mean' }),
    seed: seed({ default: 0, label: 'seed (mode sample)' }),
  },
  outputs: { latent: 'LATENT' },
  sketch(_params, { vae, image }) {
    if (!vae || !image) return {};
    const { channels, downscale } = latentLayout(vae.manifest);
    if (image.width % downscale || image.height % downscale) return {};
    return { latent: latentSketch([image.batch, channels, image.height / downscale, image.width / downscale]) };
  },
  async run({ inputs, params, ctx }) {
    const { manifest } = inputs.vae;
    if (!manifest.files.some((file) => file.role === VAE_ENCODER.file)) {
      throw new Error(`model "${manifest.id}" has no VAE encoder (vae_encoder/model.onnx); image to image needs a model folder with one`);
    }
    const { info, facts } = await openFor(ctx.runtime, manifest, VAE_ENCODER);
    const { channels, downscale, scalingFactor } = latentLayout(manifest);
    const img = inputs.image;
    if (img.width % downscale || img.height % downscale) {
      throw new Error(`the image is ${img.width}x${img.height}; the VAE encoder needs sides that are multiples of ${downscale} (resize it first)`);
    }
    const scale = f(scalingFactor);
    const generator = params.mode === 'sample' ? new TorchGenerator(params.seed) : null;
    const [h, w] = [img.height / downscale, img.width / downscale];
    const item = channels * h * w;
    const out = new Float32Array(img.batch * item);
    for (let n = 0; n < img.batch; n++) { // one item at a time, like the decoder
      ctx.signal.throwIfAborted();
      const pixels = toNCHW(img, n, [-1, 1]);
      const result = await ctx.runtime.run(info, { sample: asFloat(pixels, facts.dtype) }, ctx.signal);
      const t = asFloat(result[facts.output], 'float32');
      const data = t.data as Float32Array;
      const got = t.dims[1];
      if (t.dims.length !== 4 || t.dims[2] !== h || t.dims[3] !== w || (got !== channels && got !== 2 * channels)) {
        throw new Error(`${info.label}: a ${img.width}x${img.height} image gave [${t.dims.join(', ')}]; expected [1, ${channels} or ${2 * channels}, ${h}, ${w}]`);
      }
      const latent = got === channels ? data.slice(0, item) : meanOrSample(data, item, generator);
      for (let i = 0; i < item; i++) out[n * item + i] = f(scale * latent[i]);
      if (img.batch > 1) ctx.progress(n + 1, img.batch);
    }
    return { latent: { kind: 'latent', tensor: { dtype: 'float32', dims: [img.batch, channels, h, w], data: out } } };
  },
});

/**
 * diffusers' DiagonalGaussianDistribution over [mean, logvar]: the mean, or mean + exp(0.5 * clamp(logvar, -30, 20)) * randn
 * (float32 operations).
 */
export function meanOrSample(params: Float32Array, item: number, generator: TorchGenerator | null): Float32Array {
  const mean = params.slice(0, item);
  if (!generator) return mean;
  const z = generator.randn([item]);
  const out = new Float32Array(item);
  for (let i = 0; i < item; i++) {
    const logvar = Math.min(Math.max(params[item + i], -30), 20);
    const std = torchExpf(f(0.5 * logvar));
    out[i] = mean[i] + f(std * z[i]);
  }
  return out;
}
