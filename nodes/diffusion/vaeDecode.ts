import { imageSketch } from '../../src/kernel/sketch.ts';
import { defineNode, stack } from '../../src/kernel/define.ts';
import { imageNeed } from '../../src/image/limits.ts';
import { vaeRunBytes, weightBytes } from '../../src/models/memory.ts';
import { latentLayout } from '../../src/runtime/manifest.ts';
import { decodeItem, openDecoder } from './decode.ts';

export default defineNode({
  type: 'diffusion.vae_decode', version: 1, title: 'VAE Decode', category: 'Diffusion',
  aliases: ['vae', 'decode latent'],
  description: "Latents to an image, through the model's VAE decoder (divided by its scaling factor first), or a preview decoder such as TAESD (Load Preview Decoder).",
  inputs: { vae: 'VAE', latent: 'LATENT' },
  params: {},
  outputs: { image: 'IMAGE' },
  memory(_params, { vae, latent }) {
    if (!vae || !latent) return undefined;
    const { manifest } = vae;
    const [b, , h, w] = latent.tensor.dims;
    const down = latentLayout(manifest).downscale;
    const lower = 'the latent size (Noise width and height) or batch';
    // Items decode one at a time; the images are then stacked into one batch.
    const images = imageNeed({ width: w * down, height: h * down, channels: 3, batch: b }, 'decoded image', lower, 2);
    return { bytes: images.bytes + vaeRunBytes(weightBytes(manifest, 'vae_decoder'), w * down * h * down), lower };
  },
  sketch(_params, { vae, latent }) {
    if (!vae || !latent) return {};
    const [b, , h, w] = latent.tensor.dims;
    const down = latentLayout(vae.manifest).downscale;
    return { image: imageSketch(w * down, h * down, 3, b) };
  },
  async run({ inputs, ctx }) {
    const decoder = await openDecoder(ctx.runtime, inputs.vae.manifest);
    const b = inputs.latent.tensor.dims[0];
    const parts = [];
    for (let n = 0; n < b; n++) { // one item at a time: decoders are the memory-hungry part
      ctx.signal.throwIfAborted();
      parts.push(await decodeItem(ctx.runtime, decoder, inputs.latent.tensor, n, ctx.signal));
      if (b > 1) ctx.progress(n + 1, b);
    }
    return { image: stack(parts) };
  },
});
