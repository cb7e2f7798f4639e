import { asFloat } from '../../src/runtime/half.ts';
import { openFor } from '../../src/models/contracts/contract.ts';
import { VAE_DECODER } from '../../src/models/contracts/vaeDecoder.ts';
import { defineNode, stack } from '../../src/kernel/define.ts';
import { fromNCHW } from '../../src/image/convert.ts';
import { imageNeed } from '../../src/image/limits.ts';
import { vaeRunBytes, weightBytes } from '../../src/models/memory.ts';

export default defineNode({
  type: 'diffusion.vae_decode', version: 1, title: 'VAE Decode', category: 'Diffusion',
  aliases: ['vae', 'decode latent'],
  description: "Latents to an image, through the model's VAE decoder (divided by its scaling factor first).",
  inputs: { vae: 'VAE', latent: 'LATENT' },
  params: {},
  outputs: { image: 'IMAGE' },
  memory(_params, inputs) {
    if (!inputs) return undefined;
    const { manifest } = inputs.vae;
    const [b, , h, w] = inputs.latent.tensor.dims;
    const down = manifest.latent?.downscale ?? 8;
    const lower = 'the latent size (Noise width and height) or batch';
    // Items decode one at a time; the images are then stacked into one batch.
    const images = imageNeed({ width: w * down, height: h * down, channels: 3, batch: b }, 'decoded image', lower, 2);
    return { bytes: images.bytes + vaeRunBytes(weightBytes(manifest, 'vae_decoder'), w * down * h * down), lower };
  },
  async run({ inputs, ctx }) {
    const { manifest } = inputs.vae;
    const { info, facts: { dtype } } = await openFor(ctx.runtime, manifest, VAE_DECODER);
    const scale = manifest.latent?.scalingFactor ?? 0.18215;
    const [b, c, h, w] = inputs.latent.tensor.dims;
    const src = inputs.latent.tensor.data as Float32Array;
    const item = c * h * w;
    const parts = [];
    for (let n = 0; n < b; n++) { // one item at a time: decoders are the memory-hungry part
      ctx.signal.throwIfAborted();
      const data = Float32Array.from(src.subarray(n * item, (n + 1) * item), (v) => v / scale);
      const out = await ctx.runtime.run(info, { latent_sample: asFloat({ dtype: 'float32', dims: [1, c, h, w], data }, dtype) }, ctx.signal);
      parts.push(fromNCHW(asFloat(out.sample, 'float32'), [-1, 1], true)); // the output tensor becomes the image
      if (b > 1) ctx.progress(n + 1, b);
    }
    return { image: stack(parts) };
  },
});
