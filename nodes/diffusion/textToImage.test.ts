// Text to image on the project's own SD-format model sets (models/test/tiny-sd*), through the real executor.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Executor } from '../../src/engine/executor.ts';
import type { GraphDoc } from '../../src/graph/types.ts';
import { encodePng } from '../../src/image/png.ts';
import { createNodeRuntime } from '../../src/runtime/node.ts';
import type { Tensor } from '../../src/runtime/tensor.ts';
import { builtinRegistry } from '../registry.ts';
import type { ImageValue } from '../../src/image/value.ts';
import type { LatentValue, StepsValue } from '../../src/kernel/values.ts';
import { withStepDecodes } from './stepGraph.ts';

const DEFAULT = JSON.parse(readFileSync(new URL('../../graphs/default.json', import.meta.url), 'utf8')) as GraphDoc;
/** The default graph's image size (its Noise node's), and its latent size (SD's VAE downscales by 8). */
const SIZE = DEFAULT.nodes.find((n) => n.id === 'noise')!.params.width as number;
const LATENT = SIZE / 8;
const CFG = DEFAULT.nodes.find((n) => n.id === 'denoise')!.params.cfg as number;

/** The app's default graph, pointed at the test models, with some params changed. */
function graph(changes: Record<string, Record<string, unknown>> = {}, model = 'test-tiny-sd'): GraphDoc {
  const doc = structuredClone(DEFAULT);
  doc.nodes.find((n) => n.id === 'model')!.params.model = model;
  doc.nodes.find((n) => n.id === 'upscaler')!.params.model = 'test-tiny-upscaler';
  doc.nodes.find((n) => n.id === 'scheduler')!.params.steps = 4;
  for (const [id, params] of Object.entries(changes)) Object.assign(doc.nodes.find((n) => n.id === id)!.params, params);
  return doc;
}

/** A runtime that records every UNet call's batch size. */
function countingRuntime() {
  const runtime = createNodeRuntime({ threads: 2 });
  const unetBatches: number[] = [];
  const run = runtime.run.bind(runtime);
  runtime.run = (info, feeds, signal) => {
    if (feeds.sample) unetBatches.push(feeds.sample.dims[0]);
    return run(info, feeds, signal);
  };
  return { runtime, unetBatches };
}

const imageOf = (r: { results: Record<string, Record<string, unknown>> }) => r.results.output.image as ImageValue;
const decoded = (ex: Executor) => ex.outputs('decode')!.image as ImageValue;

describe('text to image', () => {
  it('runs the default graph end to end: an image at its size that depends on the prompt, then upscaled', async () => {
    const ex = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));
    const first = await ex.run(graph());
    expect(first.status).toBe('done');
    expect([imageOf(first).width, imageOf(first).height]).toEqual([2 * SIZE, 2 * SIZE]); // the test upscaler is 2x
    const img = decoded(ex);
    expect([img.batch, img.width, img.height, img.channels]).toEqual([1, SIZE, SIZE, 3]);
    const spread = Math.max(...img.data) - Math.min(...img.data);
    expect(spread).toBeGreaterThan(0.05);
    await ex.run(graph({ positive: { text: 'a green pear' } }));
    expect(decoded(ex).data).not.toEqual(img.data);
  });

  it('runs a prompt past 75 tokens as chunks on a UNet export with a free sequence length', async () => {
    const ex = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));
    const long = await ex.run(graph({ positive: { text: 'a red apple BREAK on a wooden table' } }));
    expect(long.status).toBe('done');
    expect((ex.outputs('encode_positive')!.conditioning as { tensor: Tensor }).tensor.dims[1]).toBe(154);
    const chunked = decoded(ex).data;
    await ex.run(graph({ positive: { text: 'a red apple' } }));
    expect(decoded(ex).data).not.toEqual(chunked);
  });

  it('gives identical PNG bytes for the same graph and seed, twice, and other bytes for another seed', async () => {
    const once = async (seed: number) => {
      const ex = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));
      return Buffer.from(await encodePng(imageOf(await ex.run(graph({ noise: { seed } }))))).toString('hex');
    };
    const [a, b, c] = [await once(7), await once(7), await once(8)];
    expect(a).toBe(b);
    expect(a).not.toBe(c);
  });

  it('starts from exactly torch.randn for the seed', async () => {
    const fixture = JSON.parse(readFileSync(new URL('../../src/diffusion/fixtures/torch_randn.json', import.meta.url), 'utf8'));
    const shape = [1, 4, LATENT, LATENT];
    const expected = fixture.cases.find((c: { seed: string; calls: { shape: number[] }[] }) => c.seed === '42' && c.calls[0].shape.join() === shape.join()).calls[0];
    const ex = new Executor(builtinRegistry(), createNodeRuntime({ threads: 1 }));
    await ex.run(graph(), { targets: ['noise'] });
    const latent = ex.outputs('noise')!.latent as LatentValue;
    expect(latent.tensor.dims).toEqual(shape);
    const data = Array.from(latent.tensor.data as Float32Array);
    if (expected.values) expect(data).toEqual(expected.values);
    else {
      expect(data.slice(0, 64)).toEqual(expected.head);
      expect(data.slice(-64)).toEqual(expected.tail);
      expect(data.filter((_, i) => i % 499 === 0)).toEqual(expected.every499);
    }
  });

  it('batches cond and uncond in one UNet run, and skips uncond at cfg 1', async () => {
    const guided = countingRuntime();
    await new Executor(builtinRegistry(), guided.runtime).run(graph({ denoise: { cfg: 4 } }));
    expect(guided.unetBatches).toEqual([2, 2, 2, 2]);
    const plain = countingRuntime();
    await new Executor(builtinRegistry(), plain.runtime).run(graph({ denoise: { cfg: 1 } }));
    expect(plain.unetBatches).toEqual([1, 1, 1, 1]);
  });

  it('a run to a later end carries on from the steps already done', async () => {
    const { runtime, unetBatches } = countingRuntime();
    const ex = new Executor(builtinRegistry(), runtime);
    await ex.run(graph({ denoise: { end: 2 } }));
    expect(unetBatches).toHaveLength(2);
    const resumed = await ex.run(graph({ denoise: { end: 4 } }));
    expect(unetBatches).toHaveLength(4); // only steps 2 and 3 ran
    const fresh = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));
    const straight = await fresh.run(graph());
    expect(imageOf(resumed).data).toEqual(imageOf(straight).data);
    expect(decoded(ex).data).toEqual(decoded(fresh).data);
    await ex.run(graph({ denoise: { end: 3 } })); // shorter: nothing to run
    expect(unetBatches).toHaveLength(4);
  });

  it('a cancelled Denoise keeps its finished steps for the next run', async () => {
    const { runtime, unetBatches } = countingRuntime();
    const ex = new Executor(builtinRegistry(), runtime);
    const controller = new AbortController();
    const first = await ex.run(graph({ scheduler: { steps: 6 } }), {
      signal: controller.signal,
      onEvent: (e) => { if (e.type === 'node-progress' && e.nodeId === 'denoise' && e.step === 2) controller.abort(); },
    });
    expect(first.status).toBe('cancelled');
    expect(unetBatches).toHaveLength(2);
    const second = await ex.run(graph({ scheduler: { steps: 6 } }));
    expect(second.status).toBe('done');
    expect(unetBatches).toHaveLength(6);
  });

  it('keeps every step: previews are sent as progress, and the last step decodes to the final image', async () => {
    const ex = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));
    const previews: ImageValue[] = [];
    const doc = graph();
    doc.edges = doc.edges.filter((e) => e.to.port !== 'preview_decoder'); // no preview decoder: each step's latent as colours
    const result = await ex.run(doc, { onEvent: (e) => { if (e.type === 'node-progress' && e.preview?.shows === 'latent') previews.push(e.preview.image); } });
    const steps = ex.outputs('denoise')!.steps as StepsValue;
    expect(steps.indices).toEqual([0, 1, 2, 3]);
    expect(previews.map((p) => [p.width, p.height])).toEqual(new Array(4).fill([LATENT, LATENT]));
    const decodes = withStepDecodes(doc, 'denoise', [0, 3]);
    const before = ex.cache.size;
    const scrub = await ex.run(decodes.doc, { targets: decodes.outputs.map((o) => o.nodeId) });
    expect(Object.values(scrub.nodes).filter((o) => o.state === 'done' && !o.cached)).toHaveLength(6); // pick + decode + output, twice
    expect(ex.cache.size).toBeGreaterThan(before);
    const last = scrub.results[decodes.outputs[1].nodeId].image as ImageValue;
    expect(result.status).toBe('done');
    expect(last.data).toEqual(decoded(ex).data); // Euler's last step lands on its predicted clean latent
    const first = scrub.results[decodes.outputs[0].nodeId].image as ImageValue;
    expect(first.data).not.toEqual(last.data);
  });

  it('keep_every k keeps (and previews) every k-th step and the last, with the same steps and result as keeping all', async () => {
    const all = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));
    await all.run(graph({ scheduler: { steps: 8 } }), { targets: ['denoise'] });
    const full = all.outputs('denoise')!.steps as StepsValue;
    const { runtime, unetBatches } = countingRuntime();
    const ex = new Executor(builtinRegistry(), runtime);
    const events: { step: number; preview: boolean; traffic: unknown }[] = [];
    await ex.run(graph({ scheduler: { steps: 8 }, denoise: { keep_every: 3 } }), {
      targets: ['denoise'], onEvent: (e) => { if (e.type === 'node-progress') events.push({ step: e.step, preview: e.preview !== undefined, traffic: e.traffic }); },
    });
    const thin = ex.outputs('denoise')!.steps as StepsValue;
    expect(thin.indices).toEqual([2, 5, 7]);
    expect(thin.timesteps).toEqual([2, 5, 7].map((i) => full.timesteps[i]));
    expect(thin.latents.map((t) => Array.from(t.data as Float32Array))).toEqual([2, 5, 7].map((i) => Array.from(full.latents[i].data as Float32Array)));
    expect((ex.outputs('denoise')!.latent as LatentValue).tensor.data).toEqual((all.outputs('denoise')!.latent as LatentValue).tensor.data);
    expect(events.map((e) => e.preview)).toEqual([false, false, true, false, false, true, false, true]);
    // On a CPU backend nothing crosses to a GPU, and the run says why its latents are on the CPU.
    expect(events[0].traffic).toEqual({ resident: false, reason: 'the cpu backend runs on the CPU', bytesUp: 0, bytesDown: 0 });
    // A later end carries on from the last kept step (5), not from the start.
    await ex.run(graph({ scheduler: { steps: 8 }, denoise: { keep_every: 3, end: 6 } }), { targets: ['denoise'] });
    expect(unetBatches).toHaveLength(8); // step 5 is kept: nothing to run
    expect((ex.outputs('denoise')!.steps as StepsValue).indices).toEqual([2, 5]);
    await ex.run(graph({ scheduler: { steps: 8 }, denoise: { keep_every: 3, end: 7 } }), { targets: ['denoise'] });
    expect(unetBatches).toHaveLength(9); // step 6, from the kept step 5
    expect((ex.outputs('denoise')!.steps as StepsValue).indices).toEqual([2, 5, 6]);
    expect(Array.from((ex.outputs('denoise')!.latent as LatentValue).tensor.data as Float32Array)).toEqual(Array.from(full.latents[6].data as Float32Array));
  });

  it('two UNet Step nodes give the same latent as a two-step Denoise', async () => {
    const ex = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));
    const doc = graph({ denoise: { end: 2 } });
    const at = { x: 0, y: 0 };
    const wire = (from: string, fp: string, to: string, tp: string) => ({ id: `${from}-${to}-${tp}`, from: { node: from, port: fp }, to: { node: to, port: tp } });
    for (const [id, step, latentFrom] of [['s0', 0, 'noise'], ['s1', 1, 's0']] as const) {
      doc.nodes.push({ id, type: 'diffusion.unet_step', version: 1, position: at, params: { step, cfg: CFG } }); // the Denoise's guidance
      doc.edges.push(wire('model', 'unet', id, 'unet'), wire(latentFrom, 'latent', id, 'latent'), wire('encode_positive', 'conditioning', id, 'positive'),
        wire('encode_negative', 'conditioning', id, 'negative'), wire('scheduler', 'schedule', id, 'schedule'));
    }
    await ex.run(doc, { targets: ['s1', 'denoise'] });
    const bySteps = (ex.outputs('s1')!.latent as LatentValue).tensor as Tensor;
    const byLoop = (ex.outputs('denoise')!.latent as LatentValue).tensor as Tensor;
    expect(Array.from(bySteps.data as Float32Array)).toEqual(Array.from(byLoop.data as Float32Array));
  });

  it('runs a UNet whose timestep is a float32 scalar, read from the model', async () => {
    const ex = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));
    const result = await ex.run(graph({}, 'test-tiny-sd-float-timestep'));
    expect(result.status).toBe('done');
    expect(decoded(ex).width).toBe(SIZE);
  });

  it('every sampler runs the graph, and SD-Turbo style 1-step trailing starts at timestep 999', async () => {
    const ex = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));
    for (const sampler of ['ddim', 'euler', 'euler_ancestral', 'dpmpp_2m', 'lcm', 'pndm', 'model']) {
      const result = await ex.run(graph({ scheduler: { sampler } }));
      expect(result.status, sampler).toBe('done');
    }
    await ex.run(graph({ scheduler: { sampler: 'euler_ancestral', steps: 1, spacing: 'trailing' }, denoise: { cfg: 1 } }), { targets: ['scheduler'] });
    expect((ex.outputs('scheduler')!.schedule as { schedule: { timesteps: number[] } }).schedule.timesteps).toEqual([999]);
    await ex.run(graph({ scheduler: { sampler: 'ddim', steps: 4 } }), { targets: ['scheduler'] });
    // SD 1.5's config (leading spacing, steps_offset 1) read from the model folder, as diffusers gives it.
    expect((ex.outputs('scheduler')!.schedule as { schedule: { timesteps: number[] } }).schedule.timesteps).toEqual([751, 501, 251, 1]);
  });

  it('runs an fp16 export (float16 weights, inputs and outputs) and matches the float32 set up to fp16 rounding', async () => {
    const ex = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));
    expect((await ex.run(graph())).status).toBe('done');
    const full = decoded(ex).data;
    expect((await ex.run(graph({}, 'test-tiny-sd-fp16'))).status).toBe('done');
    const half = decoded(ex).data;
    let max = 0;
    for (let i = 0; i < full.length; i++) max = Math.max(max, Math.abs(full[i] - half[i]));
    // The images spread over about 0.17; fp16 rounding moves them by under 1e-4, a half decoder 2% off by 8e-4.
    expect(max).toBeLessThan(4e-4);
    expect(Math.max(...half) - Math.min(...half)).toBeGreaterThan(0.05);
  });

  it('says what is wrong, naming the node', async () => {
    const ex = new Executor(builtinRegistry(), createNodeRuntime({ threads: 1 }));
    const doc = graph();
    doc.edges = doc.edges.filter((e) => e.to.port !== 'negative');
    const result = await ex.run(doc);
    expect(result.nodes.denoise).toEqual({ state: 'failed', message: `Denoise ("denoise"): cfg ${CFG} needs a negative conditioning (wire a Text Encoder, even with an empty prompt), or set cfg to 1` });
    const wrong = await ex.run(graph({}, 'test-conv-net'));
    expect(wrong.nodes.model).toEqual({ state: 'failed', message: 'Load Stable Diffusion ("model"): model "test-conv-net" is a test model, not Stable Diffusion' });
  });
});
