// Reroutes: ANY ports that the connection rules see through.
import { describe, expect, it } from 'vitest';
import { checkConnection, emptyGraph, loadGraph, type GraphDoc } from '../../graph/index.ts';
import { registry } from '../catalog.ts';

const n = (id: string, type: string) => ({ id, type, version: 1, position: { x: 0, y: 0 }, params: {} });
const e = (id: string, from: string, fp: string, to: string, tp: string) => ({ id, from: { node: from, port: fp }, to: { node: to, port: tp } });
const doc = (nodes: GraphDoc['nodes'], edges: GraphDoc['edges']): GraphDoc => ({ ...emptyGraph(), nodes, edges });

describe('reroutes', () => {
  const base = [n('g', 'image.gradient'), n('r1', 'core.reroute'), n('r2', 'core.reroute'), n('out', 'image.output'), n('m', 'model.load')];

  it('pass any type on, and a graph through two of them loads', () => {
    const d = doc(base, [e('e1', 'g', 'image', 'r1', 'in'), e('e2', 'r1', 'out', 'r2', 'in'), e('e3', 'r2', 'out', 'out', 'image')]);
    const loaded = loadGraph({ ...d, nodes: d.nodes.filter((x) => x.id !== 'm') }, registry);
    expect(loaded.ok ? [] : loaded.problems).toEqual([]);
  });

  it('refuse a wire whose value, seen through the reroutes, does not fit', () => {
    const into = doc(base, [e('e1', 'm', 'model', 'r1', 'in'), e('e2', 'r1', 'out', 'r2', 'in')]);
    expect(checkConnection(into, registry, { node: 'r2', port: 'out' }, { node: 'out', port: 'image' })).toEqual({ ok: false, reason: 'MODEL cannot feed IMAGE' });
    const fed = doc(base, [e('e2', 'r1', 'out', 'r2', 'in'), e('e3', 'r2', 'out', 'out', 'image')]);
    expect(checkConnection(fed, registry, { node: 'm', port: 'model' }, { node: 'r1', port: 'in' })).toEqual({ ok: false, reason: 'MODEL cannot feed IMAGE (through the reroute)' });
    expect(checkConnection(fed, registry, { node: 'g', port: 'image' }, { node: 'r1', port: 'in' }).ok).toBe(true);
    const bad = loadGraph(doc(base, [e('e1', 'm', 'model', 'r1', 'in'), e('e2', 'r1', 'out', 'out', 'image')]), registry);
    expect(bad.ok ? [] : bad.problems.map((p) => p.code)).toContain('type-mismatch');
  });
});
