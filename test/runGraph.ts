// Helpers for tests that run real graphs through the executor.
import { Executor } from '../src/engine/executor.ts';
import type { RunEvent, RunResult } from '../src/engine/events.ts';
import type { GraphDoc } from '../src/graph/types.ts';
import { createNodeRuntime } from '../src/runtime/node.ts';
import type { Runtime } from '../src/runtime/runtime.ts';
import { defineNode, text } from '../src/kernel/define.ts';
import { builtinRegistry } from '../nodes/registry.ts';
import { image, type ImageValue } from '../src/image/value.ts';

export const runtime = createNodeRuntime({ threads: 2 });

/** Images a test hands to its graph by name, exactly as floats (no file round trip). */
export const testImages = new Map<string, ImageValue>();
const testImage = defineNode({
  type: 'test.image', version: 1, title: 'Test Image', category: 'Test',
  inputs: {}, params: { name: text({ default: '' }) }, outputs: { image: 'IMAGE' },
  async run({ params }) {
    const img = testImages.get(params.name);
    if (!img) throw new Error(`no test image "${params.name}"`);
    return { image: img };
  },
});

export function executor(rt: Runtime = runtime): Executor {
  return new Executor(builtinRegistry([testImage]), rt);
}

type NodeSpec = { id: string; type: string; params?: Record<string, unknown> };

/** A document from nodes and [from, port, to, port] edges. */
export function graph(nodes: NodeSpec[], edges: [string, string, string, string][] = []): GraphDoc {
  return {
    format: 'latent-loom/graph', version: 1,
    nodes: nodes.map((n, i) => ({ id: n.id, type: n.type, version: 1, position: { x: i * 200, y: 0 }, params: n.params ?? {} })),
    edges: edges.map(([a, ap, b, bp], i) => ({ id: `e${i}`, from: { node: a, port: ap }, to: { node: b, port: bp } })),
  };
}

export async function run(ex: Executor, doc: GraphDoc, options: { signal?: AbortSignal; onEvent?: (e: RunEvent) => void } = {}): Promise<RunResult> {
  return ex.run(doc, options);
}

export function outputImage(result: RunResult, id: string, port = 'image'): ImageValue {
  const value = result.results[id]?.[port] as ImageValue | undefined;
  if (!value) throw new Error(`no image from "${id}": ${JSON.stringify(result.nodes)}`);
  return value;
}

export function failure(result: RunResult, id: string): string {
  const outcome = result.nodes[id];
  return outcome?.state === 'failed' ? outcome.message : `(not failed: ${JSON.stringify(outcome)})`;
}

/** A reproducible noisy image. */
export function noiseImage(width: number, height: number, channels: 1 | 3 | 4, seed = 1, batch = 1): ImageValue {
  const out = image(width, height, channels, undefined, batch);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < out.data.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out.data[i] = (s >>> 8) / 16777216;
  }
  return out;
}

export function maxDiff(a: ImageValue, b: ImageValue): number {
  expectSameShape(a, b);
  let m = 0;
  for (let i = 0; i < a.data.length; i++) m = Math.max(m, Math.abs(a.data[i] - b.data[i]));
  return m;
}

function expectSameShape(a: ImageValue, b: ImageValue): void {
  const sa = [a.batch, a.width, a.height, a.channels].join('x');
  const sb = [b.batch, b.width, b.height, b.channels].join('x');
  if (sa !== sb) throw new Error(`images differ in shape: ${sa} vs ${sb}`);
}
