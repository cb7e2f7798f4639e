// A Note is saved with the graph and shown on the canvas, but never runs.
import { describe, expect, it } from 'vitest';
import { Executor } from '../../src/engine/executor.ts';
import { loadGraph, type GraphDoc } from '../../src/graph/index.ts';
import { createNodeRuntime } from '../../src/runtime/node.ts';
import { builtinRegistry } from '../registry.ts';

const at = { x: 0, y: 0 };
const graph = (nodes: GraphDoc['nodes']): GraphDoc => ({ format: 'latent-loom/graph', version: 1, nodes, edges: [] });
const note = { id: 'note', type: 'core.note', version: 1, position: at, params: { text: 'guidance 4 works best' } };

describe('note', () => {
  it('loads with its text and is not a run target, beside other sinks or alone', async () => {
    const registry = builtinRegistry();
    const loaded = loadGraph(graph([note]), registry);
    expect(loaded.ok && loaded.doc.nodes[0].params.text).toBe('guidance 4 works best');
    const ex = new Executor(registry, createNodeRuntime({ threads: 1 }));
    const alone = await ex.run(graph([note]));
    expect([alone.status, alone.nodes]).toEqual(['done', {}]);
    const beside = await ex.run(graph([note, { id: 'g', type: 'image.gradient', version: 1, position: at, params: {} }]));
    expect(Object.keys(beside.nodes)).toEqual(['g']);
  });
});
