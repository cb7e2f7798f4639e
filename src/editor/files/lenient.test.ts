import { describe, expect, it } from 'vitest';
import { registry } from '../catalog.ts';
import { nodeProblems, openLeniently } from './lenient.ts';

const graph = {
  format: 'latent-loom/graph', version: 1,
  nodes: [
    { id: 'a', type: 'image.gradient', version: 1, position: { x: 0, y: 0 }, params: { width: 0 } },
    { id: 'b', type: 'no.such.node', version: 1, position: { x: 0, y: 200 }, params: { strength: 3 } },
    { id: 'g', type: 'image.gradient', version: 1, position: { x: 0, y: 400 }, params: {} },
    { id: 'out', type: 'image.output', version: 1, position: { x: 300, y: 400 }, params: {} },
  ],
  edges: [
    { id: 'e1', from: { node: 'g', port: 'image' }, to: { node: 'out', port: 'image' } },
    { id: 'e2', from: { node: 'g', port: 'nope' }, to: { node: 'out', port: 'image' } },
  ],
};

describe('opening a graph with broken nodes', () => {
  it('opens it anyway: broken nodes kept and named, bad wires left out, the rest as it was', () => {
    const opened = openLeniently(JSON.stringify(graph), registry);
    expect(opened.ok).toBe(true);
    if (!opened.ok) return;
    expect(opened.doc.nodes.map((n) => n.id)).toEqual(['a', 'b', 'g', 'out']);
    expect(opened.doc.nodes[1].params).toEqual({ strength: 3 });
    expect(opened.doc.edges.map((e) => e.id)).toEqual(['e1']);
    expect(new Set(opened.marked.map((p) => p.node))).toEqual(new Set(['a', 'b', 'g'])); // g: its wire from a port it lacks
    const live = nodeProblems(opened.doc, registry);
    expect(live.get('a')!.join()).toContain('at least 1');
    expect(live.get('b')!.join()).toContain('no node type "no.such.node"');
    expect(live.has('g')).toBe(false);
  });

  it('still refuses what is not a graph', () => {
    expect(openLeniently('{ nope', registry).ok).toBe(false);
    expect(openLeniently({ ...graph, format: 'other' }, registry).ok).toBe(false);
    expect(openLeniently({ ...graph, nodes: [...graph.nodes, graph.nodes[0]] }, registry).ok).toBe(false);
  });
});
