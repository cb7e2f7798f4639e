// Small real node types for executor and graph tests; every kernel call is counted.
import { choice, defineNode, float, int, bool, type NodeDefinition } from '../src/kernel/define.ts';
import { Registry } from '../src/kernel/registry.ts';

export const calls = new Map<string, number>();
const count = (nodeId: string) => calls.set(nodeId, (calls.get(nodeId) ?? 0) + 1);

const number = defineNode({
  type: 'test.number', version: 1, title: 'Number', category: 'Test',
  inputs: {}, outputs: { value: 'FLOAT' },
  params: { value: float({ default: 0, min: -1000, max: 1000 }) },
  async run({ params, ctx }) { count(ctx.nodeId); return { value: params.value }; },
});

const add = defineNode({
  type: 'test.add', version: 1, title: 'Add', category: 'Test',
  inputs: { a: 'FLOAT', b: { type: 'FLOAT', optional: true } }, outputs: { sum: 'FLOAT' },
  params: {},
  async run({ inputs, ctx }) { count(ctx.nodeId); return { sum: inputs.a + (inputs.b ?? 0) }; },
});

const fail = defineNode({
  type: 'test.fail', version: 1, title: 'Fail', category: 'Test',
  inputs: { a: { type: 'FLOAT', optional: true } }, outputs: { value: 'FLOAT' },
  params: {},
  async run({ ctx }) { count(ctx.nodeId); throw new Error('this node always fails'); },
});

/** Works through `steps` steps, honouring cancel between them. */
const slow = defineNode({
  type: 'test.slow', version: 1, title: 'Slow', category: 'Test',
  inputs: { a: 'FLOAT' }, outputs: { value: 'FLOAT' },
  params: { steps: int({ default: 5, min: 1, max: 1000 }), stepMs: int({ default: 10, min: 0, max: 1000 }) },
  async run({ inputs, params, ctx }) {
    count(ctx.nodeId);
    for (let i = 0; i < params.steps; i++) {
      ctx.signal.throwIfAborted();
      await new Promise((r) => setTimeout(r, params.stepMs));
      ctx.progress(i + 1, params.steps);
    }
    return { value: inputs.a };
  },
});

/** Holds `kib` KiB so cache budgets can be tested. */
const big = defineNode({
  type: 'test.big', version: 1, title: 'Big', category: 'Test',
  inputs: { a: 'FLOAT' }, outputs: { tensor: 'TENSOR' },
  params: { kib: int({ default: 1, min: 1, max: 1 << 20 }) },
  async run({ inputs, params, ctx }) {
    count(ctx.nodeId);
    const data = new Float32Array(params.kib * 256).fill(inputs.a);
    return { tensor: { dtype: 'float32', dims: [data.length], data } };
  },
});

const sink = defineNode({
  type: 'test.sink', version: 1, title: 'Sink', category: 'Test', output: true,
  inputs: { value: 'FLOAT' }, outputs: { value: 'FLOAT' },
  params: {
    mode: choice({ choices: ['fast', 'slow'] as const, default: 'fast' }),
    enabled: bool({ default: true }),
  },
  async run({ inputs, ctx }) { count(ctx.nodeId); return { value: inputs.value }; },
});

/** Passes `a` on; `look` and `every` only feed what it would show while running (its previews). */
const shows = defineNode({
  type: 'test.shows', version: 1, title: 'Shows', category: 'Test',
  inputs: { a: 'FLOAT', look: { type: 'FLOAT', optional: true } }, outputs: { value: 'FLOAT' },
  params: { every: int({ default: 1, min: 1, max: 100 }) },
  previewOnly: { inputs: ['look'], params: ['every'] },
  async run({ inputs, ctx }) { count(ctx.nodeId); return { value: inputs.a }; },
});

export const TEST_NODES: NodeDefinition[] = [number, add, fail, slow, big, sink, shows];

export function testRegistry(): Registry {
  return new Registry([...TEST_NODES]);
}

type N = { id: string; type: string; params?: Record<string, unknown> };
type E = [string, string, string, string];

/** A document from a terse list of nodes and [fromNode, fromPort, toNode, toPort] edges. */
export function doc(nodes: N[], edges: E[] = []) {
  return {
    format: 'latent-loom/graph' as const, version: 1 as const,
    nodes: nodes.map((n, i) => ({ id: n.id, type: n.type, version: 1, position: { x: i * 200, y: 0 }, params: n.params ?? {} })),
    edges: edges.map(([fn, fp, tn, tp], i) => ({ id: `e${i + 1}`, from: { node: fn, port: fp }, to: { node: tn, port: tp } })),
  };
}
