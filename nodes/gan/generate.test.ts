import { describe, expect, it } from 'vitest';
import { TorchGenerator } from '../../src/diffusion/torchRandom.ts';
import { fromNCHW } from '../../src/image/convert.ts';
import { executor, failure, graph, maxDiff, outputImage, run, runtime } from '../../test/runGraph.ts';
import type { ImageValue } from '../../src/image/value.ts';
import { openGenerator } from '../../src/models/contracts/gan.ts';
import { parseManifest } from '../../src/runtime/manifest.ts';
import loadGan from '../model/loadGan.ts';
import { slerp } from './latent.ts';
import { classFor } from '../../src/models/ganClasses.ts';

/** One input, z: truncation falls back to scaling z. */
const GAN = 'test-tiny-gan';
/** Inputs z and psi (a mapping MLP, w_avg, a tiny synthesis): truncation in w space, by the model. */
const PSI_GAN = 'test-tiny-gan-psi';
/** Inputs z, label and psi; classes "red heart" (0), "cat face" (1, also "cat"), "cat" (2, also "kitty"). */
const LABEL_GAN = 'test-tiny-gan-label';

function ganDoc(params: Record<string, unknown>, grid?: Record<string, unknown>, model = GAN) {
  const nodes = [
    { id: 'gan', type: 'model.load_gan', params: { model } },
    { id: 'gen', type: 'gan.generate', params },
    { id: 'out', type: 'image.output' },
  ];
  const edges: [string, string, string, string][] = [['gan', 'gan', 'gen', 'gan'], ['gen', 'images', 'out', 'image']];
  if (grid) {
    nodes.push({ id: 'grid', type: 'image.grid', params: grid }, { id: 'sheet', type: 'image.output' });
    edges.push(['gen', 'images', 'grid', 'images'], ['grid', 'image', 'sheet', 'image']);
  }
  return graph(nodes, edges);
}

async function generate(params: Record<string, unknown>, model = GAN): Promise<ImageValue> {
  return outputImage(await run(executor(), ganDoc(params, undefined, model)), 'out');
}

function item(img: ImageValue, i: number): ImageValue {
  const n = img.width * img.height * img.channels;
  return { ...img, batch: 1, data: img.data.slice(i * n, (i + 1) * n) };
}

/** The generator run directly through onnxruntime on one latent (and psi, for the model that takes it). */
async function direct(z: Float32Array, psi?: number): Promise<ImageValue> {
  const info = await runtime.open(await runtime.store.get(psi === undefined ? GAN : PSI_GAN), 'model');
  const feeds = { z: { dtype: 'float32' as const, dims: [1, 16], data: z } };
  const out = await runtime.run(info, psi === undefined ? feeds : { ...feeds, psi: { dtype: 'float32', dims: [1], data: Float32Array.of(psi) } });
  return fromNCHW(out.image, [-1, 1]);
}

const zOf = (seed: number) => new TorchGenerator(seed).randn([1, 16]);

describe('gan.generate', () => {
  it('is deterministic per seed, and z is torch.randn(1, zDim) of that seed', async () => {
    const a = await generate({ seed: 42 });
    expect(a).toMatchObject({ width: 16, height: 16, channels: 3, batch: 1 });
    expect((await generate({ seed: 42 })).data).toEqual(a.data);
    expect(maxDiff(await generate({ seed: 43 }), a)).toBeGreaterThan(0.01);
    expect(maxDiff(await direct(new TorchGenerator(42).randn([1, 16])), a)).toBe(0);
  });

  it('gives batch item i the image of seed + i', async () => {
    const batch = await generate({ seed: 7, batch: 3 });
    expect(batch.batch).toBe(3);
    for (let i = 0; i < 3; i++) expect(maxDiff(item(batch, i), await generate({ seed: 7 + i }))).toBe(0);
  });

  it("interpolation endpoints t = 0 and t = 1 are the two seeds' images", async () => {
    const [a, b] = [await generate({ seed: 5 }), await generate({ seed: 9 })];
    expect(maxDiff(await generate({ seed: 5, mix_seed: 9, mix: 0 }), a)).toBe(0);
    expect(maxDiff(await generate({ seed: 5, mix_seed: 9, mix: 1 }), b)).toBe(0);
    const middle = await generate({ seed: 5, mix_seed: 9, mix: 0.5 });
    expect(maxDiff(middle, a)).toBeGreaterThan(0.001);
    expect(maxDiff(middle, b)).toBeGreaterThan(0.001);
    const sweep = await generate({ seed: 5, mix_seed: 9, sweep: true, batch: 5 });
    expect(maxDiff(item(sweep, 0), a)).toBe(0);
    expect(maxDiff(item(sweep, 4), b)).toBe(0);
    expect(maxDiff(item(sweep, 2), middle)).toBe(0);
  });

  it('truncation in z, for a generator without a psi input: psi = 0 gives G(0) for every seed', async () => {
    const mean = await direct(new Float32Array(16));
    expect(maxDiff(await generate({ seed: 1, truncation: 0 }), mean)).toBe(0);
    expect(maxDiff(await generate({ seed: 99, truncation: 0, batch: 2 }), { ...mean, batch: 2, data: new Float32Array([...mean.data, ...mean.data]) })).toBe(0);
    const half = await generate({ seed: 1, truncation: 0.5 });
    const z = new TorchGenerator(1).randn([1, 16]).map((v) => v * 0.5);
    expect(maxDiff(half, await direct(z))).toBe(0);
  });

  it('refuses a model that does not take a latent', async () => {
    const doc = graph([{ id: 'gan', type: 'model.load_gan', params: { model: 'test-tiny-upscaler' } }]);
    expect(failure(await run(executor(), doc), 'gan')).toMatch(/input "input" has rank 4 \[1, 3, height, width\]; expected rank 2/);
  });

  it('lays a batch out as a grid', async () => {
    const result = await run(executor(), ganDoc({ seed: 3, batch: 5 }, { columns: 3, gap: 2, background: 1 }));
    const batch = outputImage(result, 'out');
    const sheet = outputImage(result, 'sheet');
    expect(sheet).toMatchObject({ width: 3 * 16 + 4, height: 2 * 16 + 2, channels: 3, batch: 1 });
    const px = (img: ImageValue, b: number, x: number, y: number) => Array.from(img.data.subarray(((b * img.height + y) * img.width + x) * 3, ((b * img.height + y) * img.width + x) * 3 + 3));
    expect(px(sheet, 0, 0, 0)).toEqual(px(batch, 0, 0, 0));
    expect(px(sheet, 0, 18 + 5, 7)).toEqual(px(batch, 1, 5, 7)); // column 1
    expect(px(sheet, 0, 18 + 15, 18 + 15)).toEqual(px(batch, 4, 15, 15)); // row 1, column 1
    expect(px(sheet, 0, 16, 0)).toEqual([1, 1, 1]); // gap
    expect(px(sheet, 0, 40, 20)).toEqual([1, 1, 1]); // the empty sixth cell
  });
});

describe('gan.generate on a generator that takes psi (truncation in w space)', () => {
  it('finds the truncation input, and Load GAN passes the manifest\'s suggested psi on', async () => {
    const ctx = { nodeId: 'gan', runtime, signal: new AbortController().signal, progress() {}, memo: { get() {}, set() {} } };
    const { gan } = await loadGan.run({ inputs: {}, params: { model: PSI_GAN }, ctx }) as { gan: { manifest: { gan: object } } };
    expect(gan.manifest.gan).toEqual({ zDim: 16, range: [-1, 1], truncationInput: 'psi', psi: 0.7 });
    expect((await openGenerator(runtime, await runtime.store.get(PSI_GAN))).truncation).toBe('psi');
    expect((await openGenerator(runtime, await runtime.store.get(GAN))).truncation).toBeUndefined();
  });

  it('psi = 0 maps every seed to w_avg: one image for all seeds, not G(z = 0)', async () => {
    const a = await generate({ seed: 1, truncation: 0 }, PSI_GAN);
    expect(maxDiff(await generate({ seed: 99, truncation: 0 }, PSI_GAN), a)).toBe(0);
    expect(maxDiff(a, await direct(zOf(1234), 0))).toBe(0);
    const batch = await generate({ seed: 5, truncation: 0, batch: 3 }, PSI_GAN);
    expect(maxDiff(item(batch, 1), item(batch, 0))).toBe(0);
    expect(maxDiff(item(batch, 2), item(batch, 0))).toBe(0);
    // The mapping does not send z = 0 to w_avg, so z-scaling's psi = 0 image is another one.
    expect(maxDiff(a, await direct(new Float32Array(16), 1))).toBeGreaterThan(0.01);
  });

  it('feeds psi to the model and leaves z alone: psi 1 and 0.5 equal the model run by hand', async () => {
    const full = await generate({ seed: 3 }, PSI_GAN);
    expect(maxDiff(full, await direct(zOf(3), 1))).toBe(0);
    const half = await generate({ seed: 3, truncation: 0.5 }, PSI_GAN);
    expect(maxDiff(half, await direct(zOf(3), 0.5))).toBe(0);
    // Scaling z instead (the fallback) gives another image: this fails if the node scaled z.
    expect(maxDiff(half, await direct(zOf(3).map((v) => v * 0.5), 1))).toBeGreaterThan(0.01);
    expect(maxDiff(half, full)).toBeGreaterThan(0.01);
  });

  it('batches by seed with psi fed once per run', async () => {
    const batch = await generate({ seed: 7, batch: 20, truncation: 0.6 }, PSI_GAN); // two chunks of 16 and 4
    for (const i of [0, 15, 16, 19]) expect(maxDiff(item(batch, i), await direct(zOf(7 + i), 0.6))).toBeLessThan(1e-6);
  });

  it('refuses a manifest whose truncationInput the model does not have, naming it', async () => {
    const manifest = await runtime.store.get(PSI_GAN);
    await expect(openGenerator(runtime, { ...manifest, gan: { ...manifest.gan!, truncationInput: 'trunc' } })).rejects.toThrow(
      /has no input "trunc", which its manifest names as gan.truncationInput \(its inputs: z float32\[batch,16\], psi float32\[1\]\)/,
    );
  });
});

/** The class-conditional generator run directly on one latent and class. */
async function directLabel(z: Float32Array, label: number, psi: number): Promise<ImageValue> {
  const info = await runtime.open(await runtime.store.get(LABEL_GAN), 'model');
  const out = await runtime.run(info, {
    z: { dtype: 'float32', dims: [1, 16], data: z }, label: { dtype: 'int64', dims: [1], data: BigInt64Array.of(BigInt(label)) },
    psi: { dtype: 'float32', dims: [1], data: Float32Array.of(psi) },
  });
  return fromNCHW(out.image, [-1, 1]);
}

describe('gan.generate on a class-conditional generator', () => {
  it('draws the named subject: each image equals the model run by hand on its seed and the class the seed picks', async () => {
    const ex = executor();
    const doc = ganDoc({ seed: 10, batch: 6, truncation: 0.8, subject: 'A cat' }, undefined, LABEL_GAN);
    const result = await run(ex, doc);
    const images = outputImage(result, 'out');
    const subjects = (ex.outputs('gen')!.subjects as string).split('\n');
    expect(subjects).toHaveLength(6);
    for (let i = 0; i < 6; i++) {
      const k = classFor(10 + i, [1, 2]);
      expect(subjects[i]).toBe(['red heart', 'cat face', 'cat'][k]);
      expect(maxDiff(item(images, i), await directLabel(zOf(10 + i), k, 0.8))).toBeLessThan(1e-6);
    }
    expect(new Set(subjects).size).toBe(2); // six seeds draw both classes called "cat"
  });

  it('with no subject draws a class from each seed, over all classes', async () => {
    const ex = executor();
    await run(ex, ganDoc({ seed: 0, batch: 24 }, undefined, LABEL_GAN));
    expect(new Set((ex.outputs('gen')!.subjects as string).split('\n'))).toEqual(new Set(['red heart', 'cat face', 'cat']));
  });

  it('truncates toward the class\'s own mean w: psi 0 gives one image per class, different between classes', async () => {
    const heart = await generate({ seed: 1, truncation: 0, subject: 'heart' }, LABEL_GAN);
    expect(maxDiff(await generate({ seed: 77, truncation: 0, subject: 'red heart' }, LABEL_GAN), heart)).toBe(0);
    expect(maxDiff(await generate({ seed: 1, truncation: 0, subject: 'kitty' }, LABEL_GAN), heart)).toBeGreaterThan(0.01);
  });

  it('refuses a subject the model has no class for, naming the field and near names', async () => {
    const result = await run(executor(), ganDoc({ subject: 'ca' }, undefined, LABEL_GAN));
    expect(failure(result, 'gen')).toMatch(/subject "ca" names none of this GAN's 3 classes; names with it: "cat face", "cat"/);
    const other = await run(executor(), ganDoc({ subject: 'a dog' }, undefined, LABEL_GAN));
    expect(failure(other, 'gen')).toMatch(/names none of this GAN's 3 classes; leave it empty for any class, or name one such as "red heart"/);
  });

  it('refuses a subject for a generator that is not class-conditional, and gives no subjects', async () => {
    expect(failure(await run(executor(), ganDoc({ subject: 'cat' })), 'gen')).toMatch(/subject: .*is not class-conditional.*leave subject empty/);
    const ex = executor();
    await run(ex, ganDoc({ seed: 3 }));
    expect(ex.outputs('gen')!.subjects).toBe('');
  });

  it('refuses a manifest whose class input is missing or of the wrong type, and one with labelInput but no classes', async () => {
    const manifest = await runtime.store.get(LABEL_GAN);
    await expect(openGenerator(runtime, { ...manifest, gan: { ...manifest.gan!, labelInput: 'class' } })).rejects.toThrow(/has no input "class", which its manifest names as gan.labelInput/);
    await expect(openGenerator(runtime, { ...manifest, gan: { ...manifest.gan!, labelInput: 'psi' } })).rejects.toThrow(/class input "psi" is float32; expected int64 or int32/);
    // Without labelInput the class input is an input no node feeds.
    const { labelInput: _, classes: __, ...plain } = manifest.gan!;
    await expect(openGenerator(runtime, { ...manifest, gan: plain })).rejects.toThrow(/extra input "label"/);
    expect(() => parseManifest({ ...manifest, gan: { ...plain, labelInput: 'label' } }, 'm.json')).toThrow(/labelInput and classes go together/);
  });
});

describe('slerp', () => {
  it('keeps the norm between orthogonal unit vectors and hits the ends exactly', () => {
    const [a, b] = [Float32Array.from([1, 0]), Float32Array.from([0, 1])];
    const m = slerp(a, b, 0.5);
    expect(m[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(m[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(slerp(a, b, 0)).toEqual(a);
    expect(slerp(a, b, 1)).toEqual(b);
  });
});
