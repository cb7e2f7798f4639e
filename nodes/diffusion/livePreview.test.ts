// Denoise's live preview on the bundled model, through the real executor: decoded by the VAE (or a TAESD)
// wired into preview_decoder, equal to what VAE Decode gives for that step, and no part of any result or key.
import { readFileSync } from 'node:fs';
import { beforeAll, describe, expect, it } from 'vitest';
import { Executor } from '../../src/engine/executor.ts';
import type { RunEvent } from '../../src/engine/events.ts';
import type { GraphDoc } from '../../src/graph/types.ts';
import type { ImageValue } from '../../src/image/value.ts';
import type { Preview } from '../../src/kernel/define.ts';
import type { StepsValue } from '../../src/kernel/values.ts';
import { createNodeRuntime } from '../../src/runtime/node.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';
import { builtinRegistry } from '../registry.ts';
import { withStepDecodes } from './stepGraph.ts';

const DEFAULT = JSON.parse(readFileSync(new URL('../../graphs/default.json', import.meta.url), 'utf8')) as GraphDoc;
const STEPS = 6;
const TAESD = 'test-tiny-taesd';

/** The default graph on the bundled model, 6 steps; `preview` says what feeds preview_decoder. */
function graph(preview: 'vae' | 'taesd' | 'none', every = 2): GraphDoc {
  const doc = structuredClone(DEFAULT);
  const node = (id: string) => doc.nodes.find((n) => n.id === id)!;
  expect(node('model').params.model).toBe('loom-emoji-sd');
  node('scheduler').params.steps = STEPS;
  node('denoise').params.preview_every = every;
  doc.edges = doc.edges.filter((e) => e.to.port !== 'preview_decoder');
  if (preview === 'vae') doc.edges.push(wire('model', 'vae', 'denoise', 'preview_decoder'));
  if (preview === 'taesd') {
    doc.nodes.push({ id: 'taesd', type: 'model.load_preview_decoder', version: 1, position: { x: 0, y: 0 }, params: { model: TAESD } });
    doc.edges.push(wire('taesd', 'vae', 'denoise', 'preview_decoder'));
  }
  return doc;
}

const wire = (from: string, fp: string, to: string, tp: string) => ({ id: `${from}.${fp}-${to}.${tp}`, from: { node: from, port: fp }, to: { node: to, port: tp } });

/** Runs a graph, keeping Denoise's previews by step (undefined where it sent none) and counting UNet runs. */
async function runWithPreviews(ex: Executor, doc: GraphDoc, options: { targets?: string[] } = {}) {
  const previews = new Map<number, Preview | undefined>();
  const onEvent = (e: RunEvent) => { if (e.type === 'node-progress' && e.nodeId === 'denoise') previews.set(e.step, e.preview); };
  const before = unetRuns;
  const result = await ex.run(doc, { ...options, onEvent });
  return { result, previews, unetRuns: unetRuns - before };
}

let runtime: Runtime;
let unetRuns = 0;
let decoderRuns = 0;
beforeAll(() => {
  runtime = createNodeRuntime({ threads: 2 });
  const run = runtime.run.bind(runtime);
  runtime.run = (info, feeds, signal) => {
    if (feeds.timestep) unetRuns++;
    if (feeds.latent_sample) decoderRuns++;
    return run(info, feeds, signal);
  };
});

/** Each of `steps` (0-based) decoded through Pick Step -> VAE Decode, with the VAE from `vae`. */
async function decodeSteps(ex: Executor, doc: GraphDoc, steps: number[], vae?: { node: string; port: string }): Promise<ImageValue[]> {
  const decodes = withStepDecodes(doc, 'denoise', steps);
  if (vae) for (const e of decodes.doc.edges) if (e.to.port === 'vae' && e.to.node.startsWith('denoise~')) e.from = vae;
  const result = await ex.run(decodes.doc, { targets: decodes.outputs.map((o) => o.nodeId) });
  expect(result.status).toBe('done');
  return decodes.outputs.map((o) => result.results[o.nodeId].image as ImageValue);
}

const imageOf = (r: { results: Record<string, Record<string, unknown>> }) => r.results.output.image as ImageValue;

describe("Denoise's live preview", () => {
  it("with the VAE wired, every 2nd step arrives decoded, equal to VAE Decode of that step's predicted final latent, the last step's result itself", async () => {
    const ex = new Executor(builtinRegistry(), runtime);
    const doc = graph('vae', 2);
    const decodesBefore = decoderRuns;
    const { result, previews } = await runWithPreviews(ex, doc);
    expect(result.status).toBe('done');
    // Three previews and the graph's VAE Decode, which finds the last preview's decode kept: three decoder runs.
    expect(decoderRuns - decodesBefore).toBe(3);
    // Colours until the first decode; then decoded on steps 2, 4, 6 (the last), nothing between.
    expect([...previews].map(([step, p]) => [step, p?.shows])).toEqual([[1, 'latent'], [2, 'decoded'], [3, undefined], [4, 'decoded'], [5, undefined], [6, 'decoded']]);
    const noise = doc.nodes.find((n) => n.id === 'noise')!.params;
    const decoded = ex.outputs('decode')!.image as ImageValue;
    const expected = [...await decodeSteps(ex, doc, [1, 3]), decoded];
    for (const [i, step] of [2, 4, 6].entries()) {
      const p = previews.get(step)!;
      expect(p.by).toBe("Loom Emoji SD (tiny)'s VAE");
      expect([p.image.width, p.image.height, p.image.channels, p.image.batch]).toEqual([noise.width, noise.height, 3, 1]);
      expect(p.image.data).toEqual(expected[i].data);
    }
    // The same picture from a fresh engine, which decodes the result itself.
    const fresh = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));
    expect((await fresh.run(graph('none'), { targets: ['decode'] })).status).toBe('done');
    expect((fresh.outputs('decode')!.image as ImageValue).data).toEqual(decoded.data);
    // Steps differ, so equal pictures above are not a constant image.
    expect(previews.get(2)!.image.data).not.toEqual(previews.get(6)!.image.data);
  }, 120_000);

  it('wiring a decoder, changing it, or changing preview_every re-runs nothing and changes no result', async () => {
    const ex = new Executor(builtinRegistry(), runtime);
    const plain = await runWithPreviews(ex, graph('none'));
    expect(plain.unetRuns).toBe(STEPS);
    expect([...plain.previews.values()].every((p) => p?.shows === 'latent')).toBe(true);
    const steps = ex.outputs('denoise')!.steps as StepsValue;
    for (const [preview, every] of [['vae', 2], ['vae', 5], ['taesd', 1]] as const) {
      const again = await runWithPreviews(ex, graph(preview, every));
      expect(again.result.status).toBe('done');
      expect(again.unetRuns).toBe(0);
      expect(again.result.nodes.denoise).toEqual({ state: 'done', ms: 0, cached: true });
      expect(imageOf(again.result).data).toEqual(imageOf(plain.result).data);
    }
    // A fresh engine that runs with the preview from the start makes the same outputs, step records included.
    const fresh = new Executor(builtinRegistry(), runtime);
    const withPreview = await runWithPreviews(fresh, graph('vae', 1));
    expect(withPreview.unetRuns).toBe(STEPS);
    expect(imageOf(withPreview.result).data).toEqual(imageOf(plain.result).data);
    expect(fresh.outputs('denoise')!.steps).toEqual(steps);
    // And the same keys: the fresh engine's cache answers the run without the preview.
    const back = await runWithPreviews(fresh, graph('none'));
    expect(back.unetRuns).toBe(0);
    expect(back.result.nodes.denoise).toEqual({ state: 'done', ms: 0, cached: true });
  }, 180_000);

  it('a TAESD-shaped decoder from Load Preview Decoder is recognised and used: its previews are its own decodes', async () => {
    const ex = new Executor(builtinRegistry(), runtime);
    const doc = graph('taesd', 3);
    const { result, previews } = await runWithPreviews(ex, doc);
    expect(result.status).toBe('done');
    expect([...previews].filter(([, p]) => p?.shows === 'decoded').map(([step]) => step)).toEqual([3, 6]);
    const p = previews.get(3)!;
    expect(p.by).toBe('Tiny TAESD-shaped preview decoder (random weights)');
    // The same step through VAE Decode with the TAESD on its vae input (scaling factor 1), and with the model's VAE.
    const [byTaesd] = await decodeSteps(ex, doc, [2], { node: 'taesd', port: 'vae' });
    const [byVae] = await decodeSteps(ex, doc, [2]);
    expect(p.image.data).toEqual(byTaesd.data);
    expect(p.image.data).not.toEqual(byVae.data);
  }, 120_000);

  it('a model that is not a preview decoder is refused by Load Preview Decoder, by name', async () => {
    const ex = new Executor(builtinRegistry(), runtime);
    const doc = graph('taesd');
    doc.nodes.find((n) => n.id === 'taesd')!.params.model = 'loom-sr-x4';
    const { result } = await runWithPreviews(ex, doc);
    expect(result.nodes.taesd).toMatchObject({ state: 'failed', message: expect.stringMatching(/^Load Preview Decoder \("taesd"\): model "loom-sr-x4" is not a preview decoder \(it is an upscaler\)/) });
    expect(result.nodes.denoise).toMatchObject({ state: 'skipped' });
  }, 60_000);
});
