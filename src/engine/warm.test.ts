// Warm-up on the default graph and the bundled models, through the real executor and onnxruntime-node:
// it makes the sessions the graph names, and the image that follows is byte for byte the cold one.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../nodes/registry.ts';
import type { GraphDoc } from '../graph/types.ts';
import { encodePng } from '../image/png.ts';
import type { ImageValue } from '../image/value.ts';
import { createNodeRuntime } from '../runtime/node.ts';
import type { RunEvent } from './events.ts';
import { EngineService } from './service.ts';
import { runSizes, zeros } from './warm.ts';
import type { ModelManifest } from '../runtime/manifest.ts';

const DEFAULT = JSON.parse(readFileSync(new URL('../../graphs/default.json', import.meta.url), 'utf8')) as GraphDoc;
const registry = builtinRegistry();
const engine = (memoryBudget?: number) => new EngineService(registry, createNodeRuntime({ threads: 2, memoryBudget }));

const manifest = (id: string) => JSON.parse(readFileSync(new URL(`../../models/bundle/${id}/manifest.json`, import.meta.url), 'utf8')) as { files: { role: string; path: string; bytes: number }[] };
const modelIds = DEFAULT.nodes.map((n) => n.params.model).filter((m): m is string => typeof m === 'string');

/** The ONNX files of the models the default graph's loaders name, read from their manifests. */
function expectedFiles(): string[] {
  return modelIds.flatMap((id) => manifest(id).files.filter((f) => f.path.endsWith('.onnx')).map((f) => `${id}/${f.role}`));
}

async function outputPng(service: EngineService, events: RunEvent[] = []): Promise<Uint8Array> {
  const result = await service.run(DEFAULT, {}, (e) => events.push(e));
  expect(result.status).toBe('done');
  const [image] = Object.values(result.results).map((r) => r.image as ImageValue);
  return encodePng(image);
}

describe('warm-up', () => {
  it('makes every session the graph names and runs its Text Encoders ahead; the run after gives the cold run\'s PNG bytes', async () => {
    const cold = await outputPng(engine());
    const warmed = engine();
    const report = await warmed.warm(DEFAULT, { dummyRuns: true });
    expect(report.stopped).toBe(false);
    expect(report.skipped).toEqual([]);
    expect(report.opened.sort()).toEqual(expectedFiles().sort());
    const encoders = DEFAULT.nodes.filter((n) => n.type === 'diffusion.text_encoder').map((n) => n.id);
    expect(report.ran.sort()).toEqual(encoders.sort());
    const events: RunEvent[] = [];
    expect(await outputPng(warmed, events)).toEqual(cold);
    // The encoders' results came from the warm-up: the run found them cached.
    const finished = events.filter((e) => e.type === 'node-finished' && encoders.includes(e.nodeId));
    expect(finished.every((e) => e.type === 'node-finished' && e.cached)).toBe(true);
    expect(events.some((e) => e.type === 'node-started' && encoders.includes(e.nodeId))).toBe(false);
  }, 120_000);

  it('leaves models cold that would pass half the memory budget, and the image is the same', async () => {
    const cold = await outputPng(engine());
    // Half the budget is exactly the first model file the graph names: that one fits, no other does.
    const [first] = expectedFiles();
    const [id, role] = first.split('/');
    const tight = engine(2 * manifest(id).files.find((f) => f.role === role)!.bytes);
    const report = await tight.warm(DEFAULT, { dummyRuns: true });
    expect(report.opened).toEqual([first]);
    expect(report.skipped.map((s) => s.split(':')[0])).toEqual(expectedFiles().slice(1));
    expect(report.skipped.every((s) => s.includes('would pass half the memory budget'))).toBe(true);
    // The run itself under no budget: the point is only that the warm-up left the others cold.
    (tight.runtime as { memoryBudget?: number }).memoryBudget = undefined;
    expect(await outputPng(tight)).toEqual(cold);
  }, 120_000);

  it('stops at once for a run started meanwhile, which gives the same image', async () => {
    const cold = await outputPng(engine());
    const service = engine();
    const warming = service.warm(DEFAULT, { dummyRuns: true });
    const png = outputPng(service);
    expect((await warming).stopped).toBe(true);
    expect(await png).toEqual(cold);
  }, 120_000);

  it('does nothing while a run is in progress', async () => {
    const service = engine();
    const running = outputPng(service);
    const report = await service.warm(DEFAULT);
    expect(report).toMatchObject({ stopped: true, ran: [], opened: [] });
    await running;
  }, 120_000);

  it('zeros: named dims become 1 for the batch and 8 elsewhere, in the session\'s own types', () => {
    const feeds = zeros({ key: 'k', label: 'm', outputs: [], inputs: [
      { name: 'sample', dtype: 'float32', shape: ['batch', 4, 'h', 'w'] },
      { name: 'timestep', dtype: 'int64', shape: [1] },
    ] })!;
    expect(feeds.sample.dims).toEqual([1, 4, 8, 8]);
    expect(feeds.sample.data).toBeInstanceOf(Float32Array);
    expect(feeds.timestep.data).toBeInstanceOf(BigInt64Array);
    expect(zeros({ key: 'k', label: 'm', outputs: [], inputs: [{ name: 'x', dtype: 'non-tensor', shape: null }] })).toBeUndefined();
  });

  it("zeros at a Run's sizes: the bundled model's UNet guided at its own latent size and prompt length, its decoder, and an upscaler at its image size", () => {
    const sd = manifest('loom-emoji-sd') as unknown as ModelManifest;
    const { image, latent, conditioning } = sd;
    const [h, w] = [image!.height / latent!.downscale, image!.width / latent!.downscale];
    const unet = zeros({ key: 'k', label: 'm', outputs: [], inputs: [
      { name: 'sample', dtype: 'float32', shape: ['batch', 4, 'height', 'width'] },
      { name: 'timestep', dtype: 'int64', shape: [1] },
      { name: 'encoder_hidden_states', dtype: 'float32', shape: ['batch', 'sequence', conditioning!.hiddenSize] },
    ] }, runSizes(sd, 'unet', 128))!;
    expect(unet.sample.dims).toEqual([2, 4, h, w]);
    expect(unet.timestep.dims).toEqual([1]);
    expect(unet.encoder_hidden_states.dims).toEqual([2, conditioning!.maxLength, conditioning!.hiddenSize]);
    const decoder = zeros({ key: 'k', label: 'm', outputs: [], inputs: [{ name: 'latent_sample', dtype: 'float32', shape: ['batch', 4, 'h', 'w'] }] }, runSizes(sd, 'vae_decoder', 128))!;
    expect(decoder.latent_sample.dims).toEqual([1, 4, h, w]);
    const ids = zeros({ key: 'k', label: 'm', outputs: [], inputs: [{ name: 'input_ids', dtype: 'int32', shape: ['batch', 'sequence'] }] }, runSizes(sd, 'text_encoder', 128))!;
    expect(ids.input_ids.dims).toEqual([1, conditioning!.maxLength]);
    const sr = manifest('loom-sr-x4') as unknown as ModelManifest;
    const up = zeros({ key: 'k', label: 'm', outputs: [], inputs: [{ name: 'input', dtype: 'float32', shape: ['batch', 3, 'h', 'w'] }] }, runSizes(sr, 'model', 96))!;
    expect(up.input.dims).toEqual([1, 3, 96, 96]);
    expect(runSizes(sr, 'model', undefined)).toBeUndefined();
  });

  it("runs the small models three times at the Run's sizes, and a file over 64 MB once on 8 px zeros", async () => {
    const runtime = createNodeRuntime({ threads: 2 });
    const runs: Record<string, number[][]> = {};
    const run = runtime.run.bind(runtime);
    runtime.run = (info, feeds, signal) => {
      (runs[info.label] ??= []).push([...Object.values(feeds)[0].dims]);
      return run(info, feeds, signal);
    };
    // The bundled UNet's file said to be 65 MB: the warm-up takes it for a full-size one.
    const get = runtime.store.get.bind(runtime.store);
    runtime.store.get = async (id) => {
      const m = await get(id);
      return id !== 'loom-emoji-sd' ? m : { ...m, files: m.files.map((f) => (f.role === 'unet' ? { ...f, bytes: 65 * 1024 ** 2 } : f)) };
    };
    const report = await new EngineService(registry, runtime).warm(DEFAULT, { dummyRuns: true });
    expect(report.skipped).toEqual([]);
    const sd = manifest('loom-emoji-sd') as unknown as ModelManifest;
    const latent = sd.image!.width / sd.latent!.downscale;
    expect(runs['model "loom-emoji-sd" unet']).toEqual([[1, 4, 8, 8]]);
    expect(runs['model "loom-emoji-sd" vae_decoder']).toEqual(Array(3).fill([1, 4, latent, latent]));
    expect(runs['model "loom-sr-x4" model']).toEqual(Array(3).fill([1, 3, sd.image!.width, sd.image!.width]));
  }, 120_000);

  it('what a manifest or a file claims cannot size the zeros: past 256 px or 256 tokens the 8 px ones, past 4M values none', () => {
    const sd = manifest('loom-emoji-sd') as unknown as ModelManifest;
    expect(runSizes({ ...sd, image: { width: 100_000, height: 128 } }, 'unet', 128)).toBeUndefined();
    expect(runSizes({ ...sd, conditioning: { ...sd.conditioning!, maxLength: 100_000 } }, 'text_encoder', 128)).toBeUndefined();
    const huge = { key: 'k', label: 'm', outputs: [], inputs: [{ name: 'image', dtype: 'float32' as const, shape: [1, 3, 4096, 4096] }] };
    expect(zeros(huge)).toBeUndefined();
    // Just under the bound still runs: the cap is on the values, not on a shape.
    expect(zeros({ ...huge, inputs: [{ name: 'image', dtype: 'float32' as const, shape: [1, 4, 1024, 1024] }] })!.image.dims).toEqual([1, 4, 1024, 1024]);
  });
});
