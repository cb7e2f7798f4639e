// Graph building and running for the evaluations: everything goes through the app's own executor.
import { Executor } from '../../src/engine/executor.ts';
import type { GraphDoc } from '../../src/graph/types.ts';
import { createNodeRuntime } from '../../src/runtime/node.ts';
import { builtinRegistry } from '../../nodes/registry.ts';
import type { ImageValue } from '../../src/image/value.ts';

const at = { x: 0, y: 0 };
export const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, version: builtinRegistry().get(type)!.version, position: at, params });
export const edge = (from: string, fp: string, to: string, tp: string) => ({ id: `${from}.${fp}-${to}.${tp}`, from: { node: from, port: fp }, to: { node: to, port: tp } });
export const doc = (nodes: GraphDoc['nodes'], edges: GraphDoc['edges']): GraphDoc => ({ format: 'latent-loom/graph', version: 1, nodes, edges });

export type Outputs = (id: string, port?: string) => ImageValue;
export type Run = (graph: GraphDoc, targets: string[]) => Promise<Outputs>;

export function runner(threads = 2): Run {
  const executor = new Executor(builtinRegistry(), createNodeRuntime({ threads }));
  return async (graph, targets) => {
    const result = await executor.run(graph, { targets });
    if (result.status !== 'done') throw new Error(JSON.stringify(result.problems.length ? result.problems : result.nodes));
    return (id, port = 'image') => executor.outputs(id)![port] as ImageValue;
  };
}
