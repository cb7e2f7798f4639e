import { bool, defineNode, float, image, int, seed, stack } from '../../src/kernel/define.ts';
import { fromNCHW } from '../../src/image/convert.ts';
import { imageNeed } from '../../src/image/limits.ts';
import { weightBytes } from '../../src/models/memory.ts';
import { openGenerator } from '../../src/models/contracts/gan.ts';
import { latentOf, slerp, truncate } from './latent.ts';

export default defineNode({
  type: 'gan.generate', version: 1, title: 'GAN Generator', category: 'GAN',
  aliases: ['gan sample', 'stylegan'],
  description: 'Images from a GAN. Batch item i uses seed + i; "mix" slerps each latent toward mix seed + i; '
    + '"sweep" spreads the batch from seed (first) to mix seed (last). Truncation ψ below 1 trades variety for typical images, '
    + '0 gives the average image: a generator with a truncation input (its manifest\'s gan.truncationInput, or a float32 [1] input named psi, truncation or truncation_psi) '
    + 'takes ψ itself and moves its w toward its mean w (StyleGAN\'s trick); for any other, z is scaled by ψ instead, a rougher fallback.',
  inputs: { gan: 'GAN' },
  params: {
    seed: seed(),
    batch: int({ default: 1, min: 1, max: 64 }),
    truncation: float({ default: 1, min: 0, max: 2, step: 0.05, label: 'truncation ψ' }),
    mix_seed: seed({ default: 1, label: 'mix seed' }),
    mix: float({ default: 0, min: 0, max: 1, step: 0.05 }),
    sweep: bool({ default: false }),
  },
  outputs: { images: 'IMAGE' },
  memory(params, inputs) {
    const size = inputs?.gan.manifest.image;
    if (!inputs || !size) return undefined;
    // Each chunk's NCHW output and its NHWC image, then all of them stacked into one batch.
    const need = imageNeed({ ...size, channels: 3, batch: params.batch }, 'GAN images', 'batch', 3);
    return { ...need, bytes: need.bytes + 3 * weightBytes(inputs.gan.manifest, 'model') };
  },
  async run({ inputs, params, ctx }) {
    const g = await openGenerator(ctx.runtime, inputs.gan.manifest);
    const { batch } = params;
    const latents: Float32Array[] = [];
    for (let i = 0; i < batch; i++) {
      const [a, b, t] = params.sweep
        ? [params.seed, params.mix_seed, batch > 1 ? i / (batch - 1) : params.mix]
        : [params.seed + i, params.mix_seed + i, params.mix];
      const z = slerp(latentOf(a, g.zDim), latentOf(b, g.zDim), t);
      // A generator that takes psi truncates in w space itself; z then stays as it is.
      latents.push(g.truncation ? z : truncate(z, params.truncation));
    }
    const psi = g.truncation ? { [g.truncation]: { dtype: 'float32' as const, dims: [1], data: Float32Array.of(params.truncation) } } : {};
    const parts = [];
    for (let at = 0; at < batch; at += g.chunk) {
      ctx.signal.throwIfAborted();
      const n = Math.min(g.chunk, batch - at);
      // A fixed batch dim is filled up with zero latents; their images are dropped.
      const rows = g.fixedBatch ? g.chunk : n;
      const z = new Float32Array(rows * g.zDim);
      for (let i = 0; i < n; i++) z.set(latents[at + i], i * g.zDim);
      const result = await ctx.runtime.run(g.info, { [g.input]: { dtype: 'float32', dims: [rows, g.zDim], data: z }, ...psi }, ctx.signal);
      const img = fromNCHW(result[g.output], g.range, true); // the output tensor becomes the image
      parts.push(img.batch === n ? img : image(img.width, img.height, 3, img.data.slice(0, n * img.width * img.height * 3), n));
      ctx.progress(at + n, batch);
    }
    return { images: stack(parts) };
  },
});
