import { describe, expect, it } from 'vitest';
import { TorchGenerator } from '../../src/diffusion/torchRandom.ts';
import { fromNCHW } from '../../src/image/convert.ts';
import { executor, failure, graph, maxDiff, outputImage, run, runtime } from '../../test/runGraph.ts';
import type { ImageValue } from '../../src/image/value.ts';
import { slerp } from './latent.ts';

const GAN = 'test-tiny-gan';

function ganDoc(params: Record<string, unknown>, grid?: Record<string, unknown>) {
  const nodes = [
    { id: 'gan', type: 'model.load_gan', params: { model: GAN } },
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

async function generate(params: Record<string, unknown>): Promise<ImageValue> {
  return outputImage(await run(executor(), ganDoc(params)), 'out');
}

function item(img: ImageValue, i: number): ImageValue {
  const n = img.width * img.height * img.channels;
  return { ...img, batch: 1, data: img.data.slice(i * n, (i + 1) * n) };
}

/** The generator run directly on one latent. */
async function direct(z: Float32Array): Promise<ImageValue> {
  const info = await runtime.open(await runtime.store.get(GAN), 'model');
  const out = await runtime.run(info, { z: { dtype: 'float32', dims: [1, 16], data: z } });
  return fromNCHW(out.image, [-1, 1]);
}

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

  it('truncation psi = 0 gives the mean image, G(0), for every seed', async () => {
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
