// Prompt weighting, long prompts, Conditioning Combine and prompt editing, through the real executor.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import fixture from '../../src/diffusion/fixtures/prompt_weights.json';
import type { GraphDoc } from '../../src/graph/types.ts';
import { loadGraph } from '../../src/graph/validate.ts';
import type { ConditioningValue, StepsValue } from '../../src/kernel/values.ts';
import { builtinRegistry } from '../registry.ts';
import { checkGuidance, type Unet } from './unet.ts';
import { executor, failure, graph } from '../../test/runGraph.ts';

/** The test helper writes every node at version 1: bring them to the current versions (no migration). */
function current(doc: GraphDoc): GraphDoc {
  const registry = builtinRegistry();
  for (const n of doc.nodes) n.version = registry.get(n.type)!.version;
  return doc;
}

const encodeGraph = (text: string, syntax = 'a1111', model = 'loom-emoji-sd') => current(graph([
  { id: 'model', type: 'diffusion.load_checkpoint', params: { model } },
  { id: 'prompt', type: 'core.prompt', params: { text } },
  { id: 'enc', type: 'diffusion.text_encoder', params: { syntax } },
], [['model', 'text_encoder', 'enc', 'text_encoder'], ['prompt', 'text', 'enc', 'text']]));
const cond = (ex: ReturnType<typeof executor>, id = 'enc') => ex.outputs(id)!.conditioning as ConditioningValue;
const bundled = (path: string) => readFileSync(new URL(`../../models/bundle/loom-emoji-sd/${path}`, import.meta.url));

/**
 * What the web UI gives for the fixture's chunks (its tokenize_line, computed by prompt_weights_ref.py):
 * the bundled text encoder run by hand on each chunk's ids, then EmphasisOriginal.after_transformers
 * (each token's output times its multiplier, the chunk's mean restored), chunks side by side.
 */
async function webUiConditioning(chunks: { tokens: number[]; multipliers: number[] }[]) {
  const session = await ort.InferenceSession.create(bundled('text_encoder/model.onnx'));
  const parts: Float32Array[] = [];
  let hidden = 0;
  for (const c of chunks) {
    const out = await session.run({ input_ids: new ort.Tensor('int32', Int32Array.from(c.tokens), [1, c.tokens.length]) });
    const z = Float32Array.from(out.last_hidden_state.data as Float32Array);
    hidden = out.last_hidden_state.dims[2];
    const mean = (a: Float32Array) => a.reduce((s, v) => s + v, 0) / a.length;
    const before = mean(z);
    for (let i = 0; i < z.length; i++) z[i] *= c.multipliers[Math.floor(i / hidden)];
    const scale = before / mean(z);
    for (let i = 0; i < z.length; i++) z[i] *= scale;
    parts.push(z);
  }
  await session.release();
  const all = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  parts.reduce((at, p) => (all.set(p, at), at + p.length), 0);
  return { dims: [1, chunks.length * 77, hidden], data: all };
}

describe('Text Encoder, a1111 syntax', () => {
  it('the fixture\'s chunks were made with the bundled tokenizer files', () => {
    for (const [name, sha] of Object.entries(fixture.tokenizer)) {
      const now = createHash('sha256').update(bundled(`tokenizer/${name}`)).digest('hex');
      expect(now, `${name} changed: run models/tools/reference/prompt_weights_ref.py again`).toBe(sha);
    }
    expect(fixture.emphasis.filter((c) => c.chunks.length > 1).length).toBeGreaterThanOrEqual(3);
  });

  for (const c of fixture.emphasis) {
    it(`chunks and emphasis as the web UI computes them: ${JSON.stringify(c.prompt.slice(0, 50))}`, async () => {
      const ex = executor();
      const r = await ex.run(encodeGraph(c.prompt));
      expect(r.status).toBe('done');
      const t = cond(ex).tensor;
      const want = await webUiConditioning(c.chunks);
      expect(t.dims).toEqual(want.dims);
      const data = t.data as Float32Array;
      let max = 0;
      for (let i = 0; i < data.length; i++) max = Math.max(max, Math.abs(data[i] - want.data[i]));
      expect(max).toBeLessThan(1e-4); // the means are summed in another order
    });
  }

  it('a prompt without syntax gives exactly what plain text gives; brackets change it; old graphs load as plain', async () => {
    const ex = executor();
    await ex.run(encodeGraph('a red apple, green leaves'));
    const a1111 = Array.from(cond(ex).tensor.data as Float32Array);
    await ex.run(encodeGraph('a red apple, green leaves', 'plain'));
    expect(Array.from(cond(ex).tensor.data as Float32Array)).toEqual(a1111);
    await ex.run(encodeGraph('a (red:1.5) apple, green leaves'));
    expect(Array.from(cond(ex).tensor.data as Float32Array)).not.toEqual(a1111);
    const old = structuredClone(encodeGraph('(a)'));
    old.nodes.find((n) => n.id === 'enc')!.version = 1;
    old.nodes.find((n) => n.id === 'enc')!.params = {};
    const loaded = loadGraph(JSON.stringify(old), builtinRegistry());
    expect(loaded.ok && loaded.doc.nodes.find((n) => n.id === 'enc')).toMatchObject({ version: 2, params: { syntax: 'plain' } });
  });

  it('a two-chunk prompt runs on the bundled UNet (free sequence length); an export with 77 fixed tokens refuses it, saying why', async () => {
    const doc = JSON.parse(readFileSync(new URL('../../graphs/prompt-editing.json', import.meta.url), 'utf8')) as GraphDoc;
    doc.nodes.find((n) => n.id === 'positive')!.params.text = 'a red apple BREAK on a table';
    doc.nodes.find((n) => n.id === 'scheduler')!.params.steps = 2;
    const ex = executor();
    expect((await ex.run(doc, { targets: ['encode_positive', 'denoise'] })).status).toBe('done');
    const positive = cond(ex, 'encode_positive').tensor;
    expect(positive.dims[1]).toBe(154);
    const fixed = { info: {} as Unet['info'], sampleDtype: 'float32', timestep: { dtype: 'int64', rank: 1 }, tokens: 77, inpainting: false };
    expect(() => checkGuidance(fixed, { positive, negative: positive, cfg: 4 }))
      .toThrow(/this UNet export takes 77 conditioning tokens, the prompt gives 154 \(2 chunks of 75 tokens\)/);
  });
});

describe('Conditioning Combine', () => {
  it('averages with a weight; b is cut or zero-padded to a\'s tokens', async () => {
    const ex = executor();
    const doc = current(graph([
      { id: 'model', type: 'diffusion.load_checkpoint', params: { model: 'loom-emoji-sd' } },
      { id: 'pa', type: 'core.prompt', params: { text: 'a red apple' } }, { id: 'pb', type: 'core.prompt', params: { text: 'a green pear BREAK x' } },
      { id: 'ea', type: 'diffusion.text_encoder' }, { id: 'eb', type: 'diffusion.text_encoder' },
      { id: 'mix', type: 'diffusion.conditioning_combine', params: { weight: 0.25 } },
      { id: 'long', type: 'diffusion.conditioning_combine', params: { weight: 0.25 } },
    ], [['model', 'text_encoder', 'ea', 'text_encoder'], ['model', 'text_encoder', 'eb', 'text_encoder'], ['pa', 'text', 'ea', 'text'], ['pb', 'text', 'eb', 'text'],
      ['ea', 'conditioning', 'mix', 'a'], ['eb', 'conditioning', 'mix', 'b'], ['eb', 'conditioning', 'long', 'a'], ['ea', 'conditioning', 'long', 'b']]));
    expect((await ex.run(doc, { targets: ['mix', 'long'] })).status).toBe('done');
    const [a, b] = [cond(ex, 'ea').tensor.data as Float32Array, cond(ex, 'eb').tensor.data as Float32Array];
    const mix = cond(ex, 'mix').tensor;
    const hidden = cond(ex, 'ea').tensor.dims[2];
    expect(cond(ex, 'ea').tensor.dims).toEqual([1, 77, hidden]);
    expect(cond(ex, 'eb').tensor.dims).toEqual([1, 154, hidden]);
    expect(mix.dims).toEqual([1, 77, hidden]);
    expect((mix.data as Float32Array)[100]).toBeCloseTo(0.25 * a[100] + 0.75 * b[100], 6);
    const long = cond(ex, 'long').tensor;
    expect(long.dims).toEqual([1, 154, hidden]);
    expect((long.data as Float32Array)[77 * hidden + 5]).toBeCloseTo(0.25 * b[77 * hidden + 5], 6);
  });
});

describe('prompt editing (graphs/prompt-editing.json)', () => {
  it('positive for steps 0..int(switch_at x steps), positive_after for the rest', async () => {
    const doc = JSON.parse(readFileSync(new URL('../../graphs/prompt-editing.json', import.meta.url), 'utf8')) as GraphDoc;
    const at = (switchAt: number | null) => {
      const d = structuredClone(doc);
      d.nodes.find((n) => n.id === 'scheduler')!.params.steps = 10;
      if (switchAt === null) d.edges = d.edges.filter((e) => e.to.port !== 'positive_after');
      else d.nodes.find((n) => n.id === 'denoise')!.params.switch_at = switchAt;
      return d;
    };
    const ex = executor();
    const latents = async (d: GraphDoc) => {
      expect((await ex.run(d, { targets: ['denoise'] })).status).toBe('done');
      return (ex.outputs('denoise')!.steps as StepsValue).latents.map((t) => Array.from(t.data as Float32Array));
    };
    const onlyA = await latents(at(null));
    expect(await latents(at(1))).toEqual(onlyA);
    const switched = await latents(at(0.3)); // int(0.3 x 10) = 3: steps 0-3 use A
    expect(switched.slice(0, 4)).toEqual(onlyA.slice(0, 4));
    expect(switched[4]).not.toEqual(onlyA[4]);
  });
});
