// Prompt weighting, long prompts, Conditioning Combine and prompt editing, through the real executor.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import fixture from '../../src/diffusion/fixtures/prompt_weights.json';
import type { GraphDoc } from '../../src/graph/types.ts';
import { loadGraph } from '../../src/graph/validate.ts';
import type { ConditioningValue, StepsValue } from '../../src/kernel/values.ts';
import { builtinRegistry } from '../registry.ts';
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

describe('Text Encoder, a1111 syntax', () => {
  for (const c of fixture.emphasis) {
    it(`chunks and emphasis as the web UI computes them: ${JSON.stringify(c.prompt.slice(0, 50))}`, async () => {
      const ex = executor();
      const r = await ex.run(encodeGraph(c.prompt));
      expect(r.status).toBe('done');
      const t = cond(ex).tensor;
      expect(t.dims).toEqual(c.dims);
      const data = t.data as Float32Array;
      let max = 0;
      for (let i = 0; i < data.length; i++) max = Math.max(max, Math.abs(data[i] - c.z[i]));
      expect(max).toBeLessThan(1e-4); // onnxruntime against torch
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

  it('a UNet export with 77 fixed tokens refuses a two-chunk prompt, saying why', async () => {
    const doc = JSON.parse(readFileSync(new URL('../../graphs/prompt-editing.json', import.meta.url), 'utf8')) as GraphDoc;
    doc.nodes.find((n) => n.id === 'positive')!.params.text = 'a red apple BREAK on a table';
    const r = await executor().run(doc);
    expect(failure(r, 'denoise')).toMatch(/this UNet export takes 77 conditioning tokens, the prompt gives 154 \(2 chunks of 75 tokens\)/);
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
    expect(mix.dims).toEqual([1, 77, 64]);
    expect((mix.data as Float32Array)[100]).toBeCloseTo(0.25 * a[100] + 0.75 * b[100], 6);
    const long = cond(ex, 'long').tensor;
    expect(long.dims).toEqual([1, 154, 64]);
    expect((long.data as Float32Array)[77 * 64 + 5]).toBeCloseTo(0.25 * b[77 * 64 + 5], 6);
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
