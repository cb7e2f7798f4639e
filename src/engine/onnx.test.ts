// A real ONNX model (models/test/conv-net, written by models/tools/make_test_models.py) through the real executor.
import { readFileSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { defineNode } from '../kernel/define.ts';
import loadModel from '../../nodes/model/loadModel.ts';
import { Registry } from '../kernel/registry.ts';
import { createNodeRuntime } from '../runtime/node.ts';
import type { Tensor } from '../runtime/tensor.ts';
import { startNodeEngine } from './client.node.ts';
import type { RunEvent } from './events.ts';
import { Executor } from './executor.ts';

const fixture = JSON.parse(readFileSync(new URL('../../models/test/conv-net/fixture.json', import.meta.url), 'utf8')) as {
  input: { dims: number[]; data: number[] }; output: { dims: number[]; data: number[] };
};

const fixtureInput = defineNode({
  type: 'test.fixture_input', version: 1, title: 'Fixture input', category: 'Test',
  inputs: {}, outputs: { tensor: 'TENSOR' }, params: {},
  async run() {
    return { tensor: { dtype: 'float32', dims: fixture.input.dims, data: Float32Array.from(fixture.input.data) } as Tensor };
  },
});

const runModel = defineNode({
  type: 'test.run_model', version: 1, title: 'Run model', category: 'Test', output: true,
  inputs: { tensor: 'TENSOR', model: 'MODEL' }, outputs: { tensor: 'TENSOR' }, params: {},
  async run({ inputs, ctx }) {
    const info = await ctx.runtime.open(inputs.model.manifest, 'model');
    const out = await ctx.runtime.run(info, { input: inputs.tensor }, ctx.signal);
    return { tensor: out.output };
  },
});

const graph = {
  format: 'latent-loom/graph', version: 1,
  nodes: [
    { id: 'x', type: 'test.fixture_input', version: 1, position: { x: 0, y: 0 }, params: {} },
    { id: 'm', type: 'model.load', version: 1, position: { x: 0, y: 0 }, params: { model: 'test-conv-net' } },
    { id: 'y', type: 'test.run_model', version: 1, position: { x: 0, y: 0 }, params: {} },
  ],
  edges: [
    { id: 'e1', from: { node: 'x', port: 'tensor' }, to: { node: 'y', port: 'tensor' } },
    { id: 'e2', from: { node: 'm', port: 'model' }, to: { node: 'y', port: 'model' } },
  ],
} as const;

function expectFixtureOutput(t: Tensor) {
  expect(t.dims).toEqual(fixture.output.dims);
  const got = t.data as Float32Array;
  fixture.output.data.forEach((v, i) => expect(got[i]).toBeCloseTo(v, 5));
}

describe('a real ONNX model through the executor', () => {
  it('runs in process and matches what PyTorch computed', async () => {
    const ex = new Executor(new Registry([fixtureInput, runModel, loadModel]), createNodeRuntime({ threads: 1 }));
    const result = await ex.run(graph as never);
    expect(result.status).toBe('done');
    expectFixtureOutput(result.results.y.tensor as Tensor);
  });

  it("a failure inside onnxruntime is a sentence naming the node, with onnxruntime's text kept as details", async () => {
    const wrongInput = defineNode({
      type: 'test.fixture_input', version: 1, title: 'Fixture input', category: 'Test',
      inputs: {}, outputs: { tensor: 'TENSOR' }, params: {},
      async run() {
        return { tensor: { dtype: 'float32', dims: [1, 4, 2, 2], data: new Float32Array(16) } as Tensor };
      },
    });
    const ex = new Executor(new Registry([wrongInput, runModel, loadModel]), createNodeRuntime({ threads: 1 }));
    const failed: RunEvent[] = [];
    const result = await ex.run(graph as never, { onEvent: (e) => e.type === 'node-failed' && failed.push(e) });
    const message = 'Run model ("y"): the model\'s input "input" has size 4 in dimension 1, but the model expects 3; the image or latent does not fit this model';
    expect(result.nodes.y).toEqual({ state: 'failed', message, details: expect.stringContaining('Got invalid dimensions for input: input') });
    expect(failed).toEqual([expect.objectContaining({ nodeId: 'y', message, details: expect.stringContaining('Got invalid dimensions') })]);
  });

  it('names the model input that differs from what the node feeds', async () => {
    const runtime = createNodeRuntime({ threads: 1 });
    const info = await runtime.open(await runtime.store.get('test-conv-net'), 'model');
    const { namedFit, mustFit } = await import('../models/contracts/contract.ts');
    const float = ['float32', 'float16'];
    const contract = (inputs: Record<string, { dtypes: string[]; ranks: number[] }>, outputs: typeof inputs) => ({
      role: 'image' as const, title: 'test', a: 'a test model', file: 'model', named: { inputs, outputs },
      fit: (io: Parameters<typeof namedFit>[1]) => namedFit({ inputs, outputs }, io, () => ({ precision: 'fp32' as const, input: 'input', output: 'output' })),
    });
    const problem = (c: ReturnType<typeof contract>) => { try { mustFit(info, c); return null; } catch (e) { return (e as Error).message; } };
    expect(problem(contract({ sample: { dtypes: float, ranks: [4] } }, {})))
      .toBe('model "test-conv-net" model: has no input "sample" (its inputs: input float32[1,3,height,width])');
    expect(problem(contract({ input: { dtypes: ['float16'], ranks: [4] } }, {})))
      .toBe('model "test-conv-net" model: input "input" is float32; expected float16');
    expect(problem(contract({ input: { dtypes: float, ranks: [4] } }, { output: { dtypes: float, ranks: [3] } })))
      .toBe('model "test-conv-net" model: output "output" has rank 4 [1, 3, height, width]; expected rank 3');
    expect(problem(contract({ input: { dtypes: ['float32'], ranks: [4] } }, { output: { dtypes: float, ranks: [4] } }))).toBeNull();
  });

  it('refuses a model file whose bytes do not match its manifest', async () => {
    const runtime = createNodeRuntime({ threads: 1 });
    const manifest = await runtime.store.get('test-conv-net');
    const tampered = { ...manifest, files: manifest.files.map((f) => ({ ...f, sha256: '0'.repeat(64) })) };
    await expect(runtime.open(tampered, 'model')).rejects.toThrow(/model "test-conv-net" model \(model.onnx\) is corrupt or changed/);
  });
});

describe('the engine in a worker thread', () => {
  const engine = startNodeEngine({ threads: 1 });
  afterAll(() => engine.close());

  it('runs a graph with the builtin nodes, streams events, and caches across calls', async () => {
    const doc = {
      format: 'latent-loom/graph', version: 1,
      nodes: [
        { id: 'g', type: 'image.gradient', version: 1, position: { x: 0, y: 0 }, params: { width: 9, height: 7 } },
        { id: 'm', type: 'model.load', version: 1, position: { x: 0, y: 0 }, params: { model: 'test-conv-net' } },
        { id: 'a', type: 'image.apply_model', version: 1, position: { x: 0, y: 0 }, params: {} },
        { id: 'o', type: 'image.output', version: 1, position: { x: 0, y: 0 }, params: {} },
      ],
      edges: [
        { id: 'e1', from: { node: 'g', port: 'image' }, to: { node: 'a', port: 'image' } },
        { id: 'e2', from: { node: 'm', port: 'model' }, to: { node: 'a', port: 'model' } },
        { id: 'e3', from: { node: 'a', port: 'image' }, to: { node: 'o', port: 'image' } },
      ],
    } as const;
    const events: RunEvent[] = [];
    const first = await engine.api.run(doc as never, {}, engine.listen((e) => events.push(e)));
    expect(first.status).toBe('done');
    const img = first.results.o.image as { width: number; height: number; data: Float32Array };
    expect([img.width, img.height, img.data.length]).toEqual([9, 7, 9 * 7 * 3]);
    expect(img.data).toBeInstanceOf(Float32Array);
    expect(events.filter((e) => e.type === 'node-finished').map((e) => (e as { nodeId: string }).nodeId)).toEqual(['g', 'm', 'a', 'o']);
    const second = await engine.api.run(doc as never, {});
    const cached = { state: 'done', ms: 0, cached: true };
    expect(second.nodes).toEqual({ g: cached, m: cached, a: cached, o: cached }); // o was cached; the rest were not needed
    expect((second.results.o.image as { data: Float32Array }).data).toEqual(img.data);
    const stored = await engine.api.outputs('a');
    expect((stored!.image as { data: Float32Array }).data).toEqual(img.data);
    expect((await engine.api.info()).backend).toBe('cpu');
  });

  it('hears a cancel sent while a long Denoise is running in the worker', async () => {
    const doc = JSON.parse(readFileSync(new URL('../../graphs/default.json', import.meta.url), 'utf8'));
    const params = (id: string) => doc.nodes.find((n: { id: string }) => n.id === id).params;
    params('model').model = 'test-tiny-sd';
    params('upscaler').model = 'test-tiny-upscaler';
    params('scheduler').steps = 400;
    let steps = 0;
    const result = await engine.api.run(doc, {}, engine.listen((e) => {
      if (e.type === 'node-progress' && e.nodeId === 'denoise' && ++steps === 3) void engine.api.cancel();
    }));
    expect(result.status).toBe('cancelled');
    expect(result.nodes.denoise).toEqual({ state: 'cancelled' });
    expect(steps).toBeLessThan(100);
  });
});
