// VAE Encode and image to image on the tiny SD test models, through the real executor.
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Executor } from '../../src/engine/executor.ts';
import type { GraphDoc } from '../../src/graph/types.ts';
import { createNodeRuntime } from '../../src/runtime/node.ts';
import type { LatentValue, StepsValue } from '../../src/kernel/values.ts';
import type { ImageValue } from '../../src/image/value.ts';
import { builtinRegistry } from '../registry.ts';

const IMG2IMG = JSON.parse(readFileSync(new URL('../../graphs/img2img.json', import.meta.url), 'utf8')) as GraphDoc;
const FIXTURE = JSON.parse(readFileSync(new URL('./fixtures/vae_encode.json', import.meta.url), 'utf8')) as {
  dims: number[]; mean: number[]; sample: number[]; seed: number;
};

/** graphs/img2img.json on a test model, its picture replaced by the gradient the fixtures were computed on (64x64), the noise at that size. */
function graph(changes: Record<string, Record<string, unknown>> = {}, model = 'test-tiny-sd'): GraphDoc {
  const doc = structuredClone(IMG2IMG);
  doc.nodes.find((n) => n.id === 'model')!.params.model = model;
  const picture = doc.nodes.find((n) => n.id === 'image')!;
  Object.assign(picture, { type: 'image.gradient', version: 1, params: { width: 64, height: 64, blue: 0.5 } });
  Object.assign(doc.nodes.find((n) => n.id === 'noise')!.params, { width: 64, height: 64 });
  for (const [id, params] of Object.entries(changes)) Object.assign(doc.nodes.find((n) => n.id === id)!.params, params);
  return doc;
}

/** A runtime that records the timestep of every UNet call. */
function countingRuntime() {
  const runtime = createNodeRuntime({ threads: 2 });
  const timesteps: number[] = [];
  const run = runtime.run.bind(runtime);
  runtime.run = (info, feeds, signal) => {
    if (feeds.timestep) timesteps.push(Number(feeds.timestep.data[0]));
    return run(info, feeds, signal);
  };
  return { runtime, timesteps };
}

const latentOf = (ex: Executor, id: string, port = 'latent') => Array.from((ex.outputs(id)![port] as LatentValue).tensor.data as Float32Array);

function maxDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).toBe(b.length);
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i] - b[i]));
  return max;
}

describe('VAE Encode', () => {
  it("gives the encoder's mean times the scaling factor, as torch computes it (4-channel export)", async () => {
    const ex = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));
    await ex.run(graph(), { targets: ['encode_image'] });
    expect((ex.outputs('encode_image')!.latent as LatentValue).tensor.dims).toEqual(FIXTURE.dims);
    expect(maxDiff(latentOf(ex, 'encode_image'), FIXTURE.mean)).toBeLessThan(1e-5);
  });

  it('takes the mean, or a seeded sample, from an export giving mean and log-variance (8 channels)', async () => {
    const ex = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));
    await ex.run(graph({}, 'test-tiny-sd-float-timestep'), { targets: ['encode_image'] });
    expect(maxDiff(latentOf(ex, 'encode_image'), FIXTURE.mean)).toBeLessThan(1e-5);
    await ex.run(graph({ encode_image: { mode: 'sample', seed: FIXTURE.seed } }, 'test-tiny-sd-float-timestep'), { targets: ['encode_image'] });
    const sampled = latentOf(ex, 'encode_image');
    expect(maxDiff(sampled, FIXTURE.sample)).toBeLessThan(1e-5);
    expect(maxDiff(sampled, FIXTURE.mean)).toBeGreaterThan(1e-3);
  });

  it('says what is missing: an encoder, or sides that are multiples of 8', async () => {
    // The tiny test set without its encoder, as many public exports come.
    const root = mkdtempSync(join(tmpdir(), 'loom-no-encoder-'));
    const folder = join(root, 'no-encoder');
    cpSync(fileURLToPath(new URL('../../models/test/tiny-sd', import.meta.url)), folder, { recursive: true });
    rmSync(join(folder, 'vae_encoder'), { recursive: true });
    const manifest = JSON.parse(readFileSync(join(folder, 'manifest.json'), 'utf8')) as { id: string; files: { role: string }[] };
    writeFileSync(join(folder, 'manifest.json'), JSON.stringify({ ...manifest, id: 'no-encoder-sd', files: manifest.files.filter((f) => f.role !== 'vae_encoder') }));
    const ex = new Executor(builtinRegistry(), createNodeRuntime({ threads: 1, modelRoots: [root] }));
    const none = await ex.run(graph({}, 'no-encoder-sd'), { targets: ['encode_image'] });
    expect(none.nodes.encode_image).toMatchObject({ state: 'failed', message: expect.stringMatching(/has no VAE encoder \(vae_encoder\/model.onnx\)/) });
    const odd = await ex.run(graph({ image: { width: 60 } }), { targets: ['encode_image'] });
    expect(odd.nodes.encode_image).toMatchObject({ state: 'failed', message: expect.stringMatching(/60x64; the VAE encoder needs sides that are multiples of 8/) });
  });
});

describe('image to image', () => {
  it('runs the last int(steps x strength) steps of the schedule, from the init latent', async () => {
    const { runtime, timesteps } = countingRuntime();
    const ex = new Executor(builtinRegistry(), runtime);
    const result = await ex.run(graph({ scheduler: { sampler: 'ddim', steps: 10 }, denoise: { strength: 0.3 } }));
    expect(result.status).toBe('done');
    expect(timesteps).toEqual([201, 101, 1]); // SD 1.5 leading spacing, 10 steps: the last 3
    const steps = ex.outputs('denoise')!.steps as StepsValue;
    expect(steps.timesteps).toEqual([201, 101, 1]);
    const img = result.results.output.image as ImageValue;
    expect([img.width, img.height]).toEqual([64, 64]);
  });

  it('strength 1 without an init latent is text to image; below 1 it needs one; too few steps are refused', async () => {
    const ex = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));
    const noInit = graph({ scheduler: { steps: 4 } });
    noInit.edges = noInit.edges.filter((e) => e.to.port !== 'init');
    const t2i = structuredClone(noInit);
    t2i.nodes = t2i.nodes.filter((n) => n.id !== 'encode_image' && n.id !== 'image');
    t2i.edges = t2i.edges.filter((e) => e.from.node !== 'encode_image' && e.to.node !== 'encode_image');
    t2i.nodes.find((n) => n.id === 'denoise')!.params = { cfg: 4, start: 0, end: 1000 }; // strength left out: its default, 1
    await ex.run(t2i);
    const reference = latentOf(ex, 'denoise');
    const full = structuredClone(noInit);
    full.nodes.find((n) => n.id === 'denoise')!.params.strength = 1;
    await ex.run(full);
    expect(latentOf(ex, 'denoise')).toEqual(reference);
    const refused = await ex.run(noInit); // strength 0.5, no init
    expect(refused.nodes.denoise).toMatchObject({ state: 'failed', message: expect.stringMatching(/strength below 1 starts part-way through the schedule: wire an init latent/) });
    const few = await ex.run(graph({ scheduler: { steps: 4 }, denoise: { strength: 0.2 } }));
    expect(few.nodes.denoise).toMatchObject({ state: 'failed', message: expect.stringMatching(/strength 0.2 of 4 steps leaves no step to run/) });
  });

  it('a lower strength stays closer to the init latent', async () => {
    const ex = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));
    await ex.run(graph({ scheduler: { steps: 10 } }), { targets: ['encode_image'] });
    const init = latentOf(ex, 'encode_image');
    const distance = async (strength: number) => {
      await ex.run(graph({ scheduler: { steps: 10 }, denoise: { strength } }));
      const out = latentOf(ex, 'denoise');
      return Math.sqrt(out.reduce((s, v, i) => s + (v - init[i]) ** 2, 0) / out.length);
    };
    const [low, mid, high] = [await distance(0.2), await distance(0.5), await distance(1)];
    expect(low).toBeLessThan(mid);
    expect(mid).toBeLessThan(high);
  });

  it('repeats a one-image init latent over a batch of noise, and refuses a size that differs', async () => {
    const ex = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));
    const batch = await ex.run(graph({ scheduler: { steps: 4 }, noise: { batch: 2 } }));
    expect(batch.status).toBe('done');
    expect((batch.results.output.image as ImageValue).batch).toBe(2);
    const wrong = await ex.run(graph({ scheduler: { steps: 4 }, noise: { width: 128 } }));
    expect(wrong.nodes.denoise).toMatchObject({ state: 'failed', message: expect.stringMatching(/the init latent is \[1, 4, 8, 8\] but the noise is \[1, 4, 8, 16\]/) });
  });
});
