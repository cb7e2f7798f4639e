// Rewiring around bypassed nodes on large graphs: each bypassed output is resolved once.
import { describe, expect, it } from 'vitest';
import type { Catalog } from './catalog.ts';
import { withoutBypassed } from './bypass.ts';
import { doc, testRegistry } from '../../test/nodes.ts';

describe('withoutBypassed', () => {
  it('resolves a chain of 3,000 bypassed nodes with a reader after each one in linear work', () => {
    const n = 3_000;
    const nodes: Parameters<typeof doc>[0] = [{ id: 'src', type: 'test.number', params: { value: 1 } }];
    const edges: [string, string, string, string][] = [];
    for (let i = 0; i < n; i++) {
      nodes.push({ id: `b${i}`, type: 'test.add' }, { id: `r${i}`, type: 'test.sink' });
      edges.push([i === 0 ? 'src' : `b${i - 1}`, i === 0 ? 'value' : 'sum', `b${i}`, 'a'], [`b${i}`, 'sum', `r${i}`, 'value']);
    }
    const d = doc(nodes, edges);
    const graph = { ...d, nodes: d.nodes.map((x) => (x.id.startsWith('b') ? { ...x, bypass: true } : x)) };
    const registry = testRegistry();
    let lookups = 0;
    const counting: Catalog = { coercions: registry.coercions, get: (type) => { lookups++; return registry.get(type); } };
    const out = withoutBypassed(graph, counting);
    expect(out.nodes.map((x) => x.id)).toEqual(['src', ...Array.from({ length: n }, (_, i) => `r${i}`)]);
    expect(out.edges.every((e) => e.from.node === 'src' && e.from.port === 'value')).toBe(true);
    expect(out.edges).toHaveLength(n);
    // Walking the rest of the chain from every reader would take about n * n / 2 lookups.
    expect(lookups).toBeLessThan(10 * n);
  });
});
