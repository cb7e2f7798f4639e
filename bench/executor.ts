// Executor overhead against calling the same ONNX sessions by hand, and the cost of a re-run after one param change.
import { Executor } from '../src/engine/executor.ts';
import type { GraphDoc } from '../src/graph/types.ts';
import { builtinRegistry } from '../nodes/registry.ts';
import applyModel from '../nodes/image/applyModel.ts';
import gradient from '../nodes/image/gradient.ts';
import { fromNCHW, withNCHW } from '../src/image/convert.ts';
import { createNodeRuntime } from '../src/runtime/node.ts';
import { rounds, showMs, showRatio } from './stats.ts';

const SIZE = 192;
const CHAIN = 12;
/** Rounds of the side-by-side comparisons: medians of 7, with min and max. */
const ROUNDS = 7;
/** Each timed run repeats its contender this many times: one cold run is about 50 ms, shorter than the jitter of a shared machine. */
const REPEAT = 10;
const repeated = (fn: () => Promise<unknown>) => async () => { for (let i = 0; i < REPEAT; i++) await fn(); };

/** gradient -> CHAIN x conv-net -> output, and a second gradient -> CHAIN x conv-net -> output. */
export function graph(blue2: number): GraphDoc {
  const nodes: GraphDoc['nodes'] = [];
  const edges: GraphDoc['edges'] = [];
  const at = { x: 0, y: 0 };
  nodes.push({ id: 'model', type: 'model.load', version: 1, position: at, params: { model: 'test-conv-net' } });
  for (const [branch, blue] of [['a', 0.5], ['b', blue2]] as const) {
    nodes.push({ id: `${branch}0`, type: 'image.gradient', version: 1, position: at, params: { width: SIZE, height: SIZE, blue } });
    for (let i = 1; i <= CHAIN; i++) {
      nodes.push({ id: `${branch}${i}`, type: 'image.apply_model', version: 1, position: at, params: {} });
      edges.push({ id: `${branch}i${i}`, from: { node: `${branch}${i - 1}`, port: 'image' }, to: { node: `${branch}${i}`, port: 'image' } });
      edges.push({ id: `${branch}m${i}`, from: { node: 'model', port: 'model' }, to: { node: `${branch}${i}`, port: 'model' } });
    }
    nodes.push({ id: `${branch}out`, type: 'image.output', version: 1, position: at, params: {} });
    edges.push({ id: `${branch}o`, from: { node: `${branch}${CHAIN}`, port: 'image' }, to: { node: `${branch}out`, port: 'image' } });
  }
  return { format: 'latent-loom/graph', version: 1, nodes, edges };
}

export async function benchExecutor(): Promise<Record<string, number | string>> {
  const runtime = createNodeRuntime({ threads: 2 });
  const executor = new Executor(builtinRegistry(), runtime);
  // The same executor keeping nothing: its machinery alone, without the GC cost of holding every output.
  const keepNothing = new Executor(builtinRegistry(), runtime, 0);
  const doc = graph(0.25);
  await executor.run(doc); // warm-up: sessions created, first-run costs paid

  const manifest = await runtime.store.get('test-conv-net');
  const model = { kind: 'model' as const, id: manifest.id, manifest };
  let memo: unknown;
  const ctx = { nodeId: 'bench', runtime, signal: new AbortController().signal, progress: () => {}, memo: { get: () => memo, set: (v: unknown) => { memo = v; } } };
  // The same kernels, called in a plain loop: what the executor adds is validation, planning, keys, cache and events.
  const kernelsByHand = async () => {
    for (const blue of [0.5, 0.25]) {
      let { image } = await gradient.run({ inputs: {}, params: { width: SIZE, height: SIZE, blue }, ctx });
      for (let i = 0; i < CHAIN; i++) ({ image } = await applyModel.run({ inputs: { image, model }, params: {}, ctx }));
    }
  };
  // The same ONNX sessions called directly, with the same tensor conversions as the kernel (pooled input,
  // the output tensor becoming the image), so the comparison is of like with like.
  const sessionsByHand = async () => {
    const info = await runtime.open(manifest, 'model');
    for (const blue of [0.5, 0.25]) {
      let img = (await gradient.run({ inputs: {}, params: { width: SIZE, height: SIZE, blue }, ctx })).image as never;
      for (let i = 0; i < CHAIN; i++) img = fromNCHW((await withNCHW(img, 0, [0, 1], (t) => runtime.run(info, { input: t }))).output, [0, 1], true) as never;
    }
  };
  const cold = async () => {
    executor.cache.clear();
    await executor.run(doc);
  };
  for (let i = 0; i < 3; i++) { await cold(); await kernelsByHand(); await sessionsByHand(); await keepNothing.run(doc); }
  // All four in turn in each round; a ratio is taken within its round, so load drift mostly cancels.
  const [executorMs, kernelsMs, sessionsMs, bareMs] = await rounds(ROUNDS, [cold, kernelsByHand, sessionsByHand, () => keepNothing.run(doc)].map(repeated));

  // One param change on the second branch: only that branch runs again.
  let calls = 0;
  let k = 0;
  let blue = 0.3;
  const rerun = async () => {
    blue = 0.3 + (k++ % 600) * 0.001; // a new value each time, within the param's range
    const result = await executor.run(graph(blue));
    calls = Object.values(result.nodes).filter((o) => o.state === 'done' && !o.cached).length;
  };
  const coldOther = async () => {
    executor.cache.clear();
    await executor.run(graph(blue));
  };
  await coldOther();
  const [rerunMs, coldMs] = await rounds(ROUNDS, [rerun, coldOther].map(repeated));
  const total = doc.nodes.length;
  return {
    'executor.graph_nodes': total,
    'executor.runs_per_timing': REPEAT,
    'executor.cold_run_ms': showMs(executorMs.spread),
    'executor.kernels_by_hand_ms': showMs(kernelsMs.spread),
    'executor.sessions_by_hand_ms': showMs(sessionsMs.spread),
    'executor.no_cache_run_ms': showMs(bareMs.spread),
    'executor.overhead_vs_kernels_ratio': showRatio(executorMs, kernelsMs),
    'executor.overhead_vs_kernels_no_cache_ratio': showRatio(bareMs, kernelsMs),
    'executor.overhead_vs_sessions_ratio': showRatio(executorMs, sessionsMs),
    'executor.rerun_kernel_calls': calls,
    'executor.rerun_ms': showMs(rerunMs.spread),
    'executor.cold_kernel_calls': total,
    'executor.rerun_to_cold_ratio': showRatio(rerunMs, coldMs),
  };
}
