import { bool, defineNode, float, image, int, seed, stack, text } from '../../src/kernel/define.ts';
import { fromNCHW } from '../../src/image/convert.ts';
import { imageNeed } from '../../src/image/limits.ts';
import { weightBytes } from '../../src/models/memory.ts';
import { openGenerator } from '../../src/models/contracts/gan.ts';
import type { Tensor } from '../../src/runtime/tensor.ts';
import { latentOf, slerp, truncate } from './latent.ts';
import { classFor, subjectClasses } from '../../src/models/ganClasses.ts';
import { imageSketch } from '../../src/kernel/sketch.ts';

export default defineNode({
  type: 'gan.generate', version: 1, title: 'GAN Generator', category: 'GAN',
  aliases: ['gan sample', 'stylegan', 'biggan', 'class-conditional gan'],
  description: 'Images from a GAN. Batch item i uses seed + i; "mix" slerps each latent toward mix seed + i; '
    + '"sweep" spreads the batch from seed (first) to mix seed (last). Truncation ψ below 1 trades variety for typical images, '
    + '0 gives the average image: a generator with a truncation input (its manifest\'s gan.truncationInput, or a float32 [1] input named psi, truncation or truncation_psi) '
    + 'takes ψ itself and moves its w toward its mean w (StyleGAN\'s trick); for any other, z is scaled by ψ instead, a rougher fallback. '
    + 'A class-conditional generator (its manifest\'s gan.labelInput and gan.classes) draws the subject named ("a cat": any class called so, '
    + 'the seed picks) or, left empty, a class drawn from each seed; the subjects output names what each image was asked to be, a line each.',
  inputs: { gan: 'GAN' },
  params: {
    seed: seed(),
    batch: int({ default: 1, min: 1, max: 64 }),
    truncation: float({ default: 1, min: 0, max: 2, step: 0.05, label: 'truncation ψ' }),
    mix_seed: seed({ default: 1, label: 'mix seed' }),
    mix: float({ default: 0, min: 0, max: 1, step: 0.05 }),
    sweep: bool({ default: false }),
    subject: text({ default: '', label: 'subject (class-conditional GANs)' }),
  },
  outputs: { images: 'IMAGE', subjects: 'TEXT' },
  memory(params, inputs) {
    const size = inputs.gan?.manifest.image;
    if (!inputs.gan || !size) return undefined;
    // Each chunk's NCHW output and its NHWC image, then all of them stacked into one batch.
    const need = imageNeed({ ...size, channels: 3, batch: params.batch }, 'GAN images', 'batch', 3);
    return { ...need, bytes: need.bytes + 3 * weightBytes(inputs.gan.manifest, 'model') };
  },
  sketch(params, { gan }) {
    const size = gan?.manifest.image;
    return size ? { images: imageSketch(size.width, size.height, 3, params.batch) } : {};
  },
  async run({ inputs, params, ctx }) {
    const g = await openGenerator(ctx.runtime, inputs.gan.manifest);
    const { batch } = params;
    if (!g.label && params.subject.trim() !== '') {
      throw new Error(`subject: ${g.info.label} is not class-conditional (its manifest has no gan.labelInput), so it draws no named subject; leave subject empty`);
    }
    const choices = g.label ? subjectClasses(params.subject, g.label.classes) : [];
    const latents: Float32Array[] = [];
    const labels: number[] = [];
    for (let i = 0; i < batch; i++) {
      const [a, b, t] = params.sweep
        ? [params.seed, params.mix_seed, batch > 1 ? i / (batch - 1) : params.mix]
        : [params.seed + i, params.mix_seed + i, params.mix];
      const z = slerp(latentOf(a, g.zDim), latentOf(b, g.zDim), t);
      // A generator that takes psi truncates in w space itself; z then stays as it is.
      latents.push(g.truncation ? z : truncate(z, params.truncation));
      labels.push(g.label ? classFor(a, choices) : -1); // a sweep or mix keeps the first seed's subject
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
      const label = g.label ? { [g.label.name]: classTensor(labels.slice(at, at + n), rows, g.label.dtype) } : {};
      const result = await ctx.runtime.run(g.info, { [g.input]: { dtype: 'float32', dims: [rows, g.zDim], data: z }, ...psi, ...label }, ctx.signal);
      const img = fromNCHW(result[g.output], g.range, true); // the output tensor becomes the image
      parts.push(img.batch === n ? img : image(img.width, img.height, 3, img.data.slice(0, n * img.width * img.height * 3), n));
      ctx.progress(at + n, batch);
    }
    const subjects = g.label ? labels.map((k) => g.label!.classes[k][0]).join('\n') : ''; // one line per image
    return { images: stack(parts), subjects };
  },
});

/** Class indices for one run, padded with class 0 up to `rows` (a fixed batch dim's unused rows). */
function classTensor(labels: number[], rows: number, dtype: 'int64' | 'int32'): Tensor {
  const padded = [...labels, ...Array<number>(rows - labels.length).fill(0)];
  return dtype === 'int64'
    ? { dtype, dims: [rows], data: BigInt64Array.from(padded, BigInt) }
    : { dtype, dims: [rows], data: Int32Array.from(padded) };
}
