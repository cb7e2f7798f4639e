// Runs whose declared memory need is over the engine's budget are refused before their kernel allocates,
// with the node and what to lower; the CLI says so under a real memory cap instead of being killed.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { createNodeRuntime, nodeMemoryBudget } from '../runtime/node.ts';
import { executor, failure, graph, runtime, testImages } from '../../test/runGraph.ts';
import { image } from '../image/value.ts';
import { encodePng } from '../image/png.ts';
import { roughBytes } from '../runtime/format.ts';
import type { RunEvent } from './events.ts';

const GiB = 1024 ** 3;
const defaultGraph = fileURLToPath(new URL('../../graphs/default.json', import.meta.url));
const budgeted = (bytes: number) => createNodeRuntime({ threads: 1, memoryBudget: bytes });

describe('memory needs against the budget', () => {
  it('refuses a Noise whose latent is over the budget before any kernel starts', async () => {
    const events: RunEvent[] = [];
    const doc = graph([{ id: 'g', type: 'image.gradient', params: { width: 8, height: 8 } }, { id: 'n', type: 'diffusion.noise', params: { width: 4096, height: 4096, batch: 64 } }]);
    const result = await executor(budgeted(256 * 1024 ** 2)).run(doc, { targets: ['n', 'g'], onEvent: (e) => events.push(e) });
    expect(failure(result, 'n')).toMatch(/^Noise \("n"\): needs about 537 MB of memory at once, over the 268 MB this engine allows \(cpu\); lower batch, width or height$/);
    expect(events.some((e) => e.type === 'node-started' && e.nodeId === 'n')).toBe(false);
    expect(result.nodes.g).toMatchObject({ state: 'done' }); // the rest of the graph still runs
  });

  it('weighs a Denoise before any kernel starts, from the sketches of its model, Noise and Scheduler', async () => {
    // Noise at 4096x4096 x 64 fits this budget by itself (537 MB) and takes 7.5 to 12 s to draw; Denoise
    // on it cannot fit. Nothing runs: not the Noise, not the prompts' encoders, nothing after Denoise.
    const doc = JSON.parse(readFileSync(defaultGraph, 'utf8'));
    doc.nodes.find((n: { id: string }) => n.id === 'noise').params = { width: 4096, height: 4096, batch: 64 };
    const events: RunEvent[] = [];
    const result = await executor(budgeted(4 * GiB)).run(doc, { onEvent: (e) => events.push(e) });
    expect(failure(result, 'denoise')).toMatch(/^Denoise \("denoise"\): needs about [\d.]+ TB of memory at once, over the 4.3 GB this engine allows \(cpu\); lower the latent size \(Noise width and height\) or batch, or set cfg to 1/);
    expect(events.filter((e) => e.type === 'node-started')).toEqual([]);
    for (const id of ['model', 'positive', 'negative', 'encode_positive', 'encode_negative', 'noise', 'scheduler', 'upscaler']) {
      expect(result.nodes[id], id).toEqual({ state: 'skipped', because: 'not run: all it feeds waits on "denoise", refused before the run' });
    }
    expect(result.nodes.decode).toMatchObject({ state: 'skipped', because: 'input "latent" comes from "denoise", which did not run' });
    // At a size that fits, the same graph runs as before.
    doc.nodes.find((n: { id: string }) => n.id === 'noise').params = { width: 128, height: 128, batch: 1 };
    expect((await executor(budgeted(4 * GiB)).run(doc)).status).toBe('done');
  });

  it('refuses a hires pass before the run while the low-resolution pass it shares nodes with still runs', async () => {
    const doc = JSON.parse(readFileSync(fileURLToPath(new URL('../../graphs/hires-fix.json', import.meta.url)), 'utf8'));
    const at = (id: string) => doc.nodes.find((n: { id: string }) => n.id === id);
    at('noise_hires').params = { ...at('noise_hires').params, width: 2048, height: 2048 };
    at('upscale_latent').params = { ...at('upscale_latent').params, factor: 8 };
    const events: RunEvent[] = [];
    const result = await executor(budgeted(2 * GiB)).run(doc, { onEvent: (e) => events.push(e) });
    expect(failure(result, 'denoise_hires')).toMatch(/^Denoise \(256 px, strength 0\.5\) \("denoise_hires"\): needs about [\d.]+ [GT]B of memory at once, over the 2\.1 GB/);
    const started = events.filter((e) => e.type === 'node-started').map((e) => (e as { nodeId: string }).nodeId);
    expect(started).not.toContain('noise_hires');
    expect(started).not.toContain('upscale_latent');
    expect(result.nodes.noise_hires).toEqual({ state: 'skipped', because: 'not run: all it feeds waits on "denoise_hires", refused before the run' });
    expect(result.nodes.upscale_latent).toEqual(result.nodes.noise_hires);
    expect(result.nodes.output_low).toMatchObject({ state: 'done' }); // the low-resolution image is still made
    expect(result.nodes.denoise).toMatchObject({ state: 'done' });
    expect(result.nodes.output).toMatchObject({ state: 'skipped' });
  });

  it('weighs an Upscale before any kernel starts, from a Gradient and a Resize sketched ahead of it', async () => {
    const doc = graph([
      { id: 'g', type: 'image.gradient', params: { width: 256, height: 256 } }, { id: 'r', type: 'image.resize', params: { mode: 'factor', factor: 4 } },
      { id: 'm', type: 'model.load_upscaler', params: { model: 'loom-sr-x4' } }, { id: 'u', type: 'image.upscale' },
    ], [['g', 'image', 'r', 'image'], ['r', 'image', 'u', 'image'], ['m', 'upscaler', 'u', 'upscaler']]);
    const events: RunEvent[] = [];
    const result = await executor(budgeted(128 * 1024 ** 2)).run(doc, { targets: ['u'], onEvent: (e) => events.push(e) });
    // 1024 px resized, 4096 px upscaled: 4096 x 4096 x 3 floats (201 MB) and the weights' three copies.
    expect(failure(result, 'u')).toMatch(/^Upscale \("u"\): needs about 202 MB of memory at once, over the 134 MB .*; lower the size or batch of the image \(a Resize before Upscale\)$/);
    expect(events.filter((e) => e.type === 'node-started')).toEqual([]);
    expect(result.nodes.r).toMatchObject({ state: 'skipped', because: 'not run: all it feeds waits on "u", refused before the run' });
    // Half the factor fits: everything runs.
    doc.nodes[1].params.factor = 2;
    expect((await executor(budgeted(128 * 1024 ** 2)).run(doc, { targets: ['u'] })).status).toBe('done');
  });

  it('weighs an Upscale of a loaded image before the image is decoded, from the file\'s header', async () => {
    const png = `data:image/png;base64,${Buffer.from(await encodePng(image(2048, 2048, 3))).toString('base64')}`;
    const doc = graph([{ id: 'load', type: 'image.load', params: { image: png } }, { id: 'm', type: 'model.load_upscaler', params: { model: 'loom-sr-x4' } }, { id: 'u', type: 'image.upscale' }],
      [['load', 'image', 'u', 'image'], ['m', 'upscaler', 'u', 'upscaler']]);
    const events: RunEvent[] = [];
    const result = await executor(budgeted(512 * 1024 ** 2)).run(doc, { targets: ['u'], onEvent: (e) => events.push(e) });
    expect(failure(result, 'u')).toMatch(/^Upscale \("u"\): needs about 806 MB of memory at once, over the 537 MB /);
    expect(events.filter((e) => e.type === 'node-started')).toEqual([]);
    expect(result.nodes.load).toMatchObject({ state: 'skipped', because: 'not run: all it feeds waits on "u", refused before the run' });
  });

  it('checks nodes whose need depends on their inputs just before their kernel', async () => {
    testImages.set('batch', image(512, 512, 3, undefined, 16));
    const doc = graph([{ id: 'i', type: 'test.image', params: { name: 'batch' } }, { id: 'grid', type: 'image.grid', params: { gap: 0 } }], [['i', 'image', 'grid', 'images']]);
    const result = await executor(budgeted(32 * 1024 ** 2)).run(doc, { targets: ['grid'] });
    expect(failure(result, 'grid')).toMatch(/^Image Grid \("grid"\): needs about 50 MB .* lower gap, or the size or batch of the images fed in$/);
    const fits = await executor(budgeted(GiB)).run(doc, { targets: ['grid'] });
    expect(fits.nodes.grid).toMatchObject({ state: 'done' });
  });

  it('weighs a GAN batch and an upscaled image from their models\' manifests', async () => {
    const gan = graph([{ id: 'gan', type: 'model.load_gan', params: { model: 'loom-emoji-gan' } }, { id: 'gen', type: 'gan.generate', params: { batch: 64 } }], [['gan', 'gan', 'gen', 'gan']]);
    // Three copies of the weights and the images, width x height x 3 float32 three times over (both read
    // from the bundled manifest, so the test follows the model that ships): a budget 4 MB above the
    // weights' share takes one image and refuses 64 (9.4 MB of images at 64 px, 38 MB at 128).
    const manifest = await runtime.store.get('loom-emoji-gan');
    const weights = 3 * manifest.files.find((f) => f.role === 'model')!.bytes;
    const { width, height } = manifest.image!;
    const budget = weights + 4e6;
    expect(3 * width * height * 3 * 4).toBeLessThan(4e6); // one image fits
    const message = failure(await executor(budgeted(budget)).run(gan, { targets: ['gen'] }), 'gen');
    expect(message).toMatch(/^GAN Generator \("gen"\): needs about .* of memory at once, over the .*; lower batch$/);
    expect(message).toContain(`needs about ${roughBytes(weights + 3 * 64 * width * height * 3 * 4)} of memory`);
    gan.nodes[1].params.batch = 1;
    expect((await executor(budgeted(budget)).run(gan, { targets: ['gen'] })).nodes.gen).toMatchObject({ state: 'done' });
    testImages.set('square', image(2048, 2048, 3));
    const up = graph([{ id: 'i', type: 'test.image', params: { name: 'square' } }, { id: 'm', type: 'model.load_upscaler', params: { model: 'loom-sr-x4' } }, { id: 'u', type: 'image.upscale' }],
      [['i', 'image', 'u', 'image'], ['m', 'upscaler', 'u', 'upscaler']]);
    const events: RunEvent[] = [];
    const result = await executor(budgeted(512 * 1024 ** 2)).run(up, { targets: ['u'], onEvent: (e) => events.push(e) });
    expect(failure(result, 'u')).toMatch(/^Upscale \("u"\): needs about 806 MB of memory at once, over the 537 MB .*; lower the size or batch of the image \(a Resize before Upscale\)$/);
    expect(events.some((e) => e.type === 'node-progress' && e.nodeId === 'u')).toBe(false); // no tile ran
  });

  it('keeps image side limits in the same check', async () => {
    const doc = graph([{ id: 'r', type: 'image.resize', params: { mode: 'factor', factor: 16 } }, { id: 'g', type: 'image.gradient', params: { width: 2048, height: 8 } }], [['g', 'image', 'r', 'image']]);
    const result = await executor(budgeted(64 * GiB)).run(doc, { targets: ['r'] });
    expect(failure(result, 'r')).toContain('resized image: 32768x128 is too large: each side must be at most 16384 pixels');
  });

  it('reads the budget from LATENT_LOOM_MEMORY_BUDGET, and refuses one that is not a size', () => {
    expect(nodeMemoryBudget({ LATENT_LOOM_MEMORY_BUDGET: '2GiB' })).toBe(2 * GiB);
    expect(() => nodeMemoryBudget({ LATENT_LOOM_MEMORY_BUDGET: 'lots' })).toThrow(/not a size/);
    expect(nodeMemoryBudget({})).toBeGreaterThan(0);
  });
});

describe('the CLI under a memory cap', () => {
  const bin = fileURLToPath(new URL('../../bin/latent-loom.mjs', import.meta.url));

  it('refuses a Denoise that would need hundreds of GB, quickly, with what to lower', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'loom-mem-'));
    const doc = JSON.parse(readFileSync(defaultGraph, 'utf8'));
    const noise = doc.nodes.find((n: { type: string }) => n.type === 'diffusion.noise');
    noise.params = { ...noise.params, width: 1024, height: 1024, batch: 16 };
    writeFileSync(join(dir, 'g.json'), JSON.stringify(doc));
    // RLIMIT_DATA caps the private memory onnxruntime and our arrays take (not the address space V8 and
    // WebAssembly reserve, which --as would); before the check, onnxruntime ran into it after 1.7 GB.
    const started = performance.now();
    const { code, stderr: output, signal } = await new Promise<{ code: number | null; stderr: string; signal: string | null }>((ok) => {
      execFile('prlimit', [`--data=${3 * GiB}`, process.execPath, bin, 'run', join(dir, 'g.json'), '--out', join(dir, 'out'), '--threads', '1', '--steps', 'false'],
        { timeout: 60_000 }, (e, stdout, stderr) => ok({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, stderr: stdout + stderr }));
    });
    expect(signal).toBeNull();
    expect(code).toBe(1);
    expect(output).toMatch(/Denoise \("denoise"\): needs about \d+ GB of memory at once, over the [\d.]+ GB this engine allows \(cpu\); lower the latent size \(Noise width and height\) or batch, or set cfg to 1/);
    expect(performance.now() - started).toBeLessThan(30_000);
  });
});
