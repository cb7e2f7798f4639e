import { bestOfFive as time } from '../../test/growth.ts';
import { describe, expect, it } from 'vitest';
import { ancestors, descendants, topoSort } from './topo.ts';

const edge = (from: string, to: string, i = 0) => ({ id: `e${from}${to}${i}`, from: { node: from, port: 'o' }, to: { node: to, port: 'i' } });

describe('topological order', () => {
  it('puts every node after the nodes it depends on, ties in document order', () => {
    const edges = [edge('c', 'a'), edge('b', 'a'), edge('a', 'd')];
    expect(topoSort(['a', 'b', 'c', 'd'], edges)).toEqual({ ok: true, order: ['b', 'c', 'a', 'd'] });
  });
  it('handles a diamond and parallel edges', () => {
    const edges = [edge('s', 'l'), edge('s', 'r'), edge('l', 't'), edge('r', 't'), edge('s', 't', 1)];
    expect(topoSort(['t', 'r', 'l', 's'], edges)).toEqual({ ok: true, order: ['s', 'r', 'l', 't'] });
  });
  it('names a cycle, not the nodes hanging below it', () => {
    const edges = [edge('a', 'b'), edge('b', 'tail'), edge('b', 'c'), edge('c', 'a')];
    expect(topoSort(['a', 'b', 'tail', 'c'], edges)).toEqual({ ok: false, cycle: ['a', 'b', 'c'] });
  });
  it('finds what targets need and what depends on a node', () => {
    const edges = [edge('a', 'b'), edge('b', 'c'), edge('x', 'c'), edge('b', 'y')];
    expect([...ancestors(['c'], edges)].sort()).toEqual(['a', 'b', 'c', 'x']);
    expect([...descendants(['b'], edges)].sort()).toEqual(['b', 'c', 'y']);
  });
});

describe('scale', () => {
  const ids = (n: number) => Array.from({ length: n }, (_, i) => `n${i}`);
  const chain = (nodes: string[]) => nodes.slice(1).map((id, i) => edge(nodes[i], id));

  // Ten graphs of 2,000 against one of 20,000: about the same for linear work, ten times as much for
  // quadratic work. The bound sits between the two, so only the growth is tested, not the machine's speed.
  it('sorts 20,000 isolated nodes and a 20,000-node chain in linear-looking time', () => {
    for (const make of [(n: string[]) => [], chain]) {
      const small = ids(2_000);
      const large = ids(20_000);
      const smallEdges = make(small);
      const largeEdges = make(large);
      const sorted = topoSort(large, largeEdges);
      expect(sorted.ok && sorted.order).toEqual(large);
      const ten = time(() => { for (let k = 0; k < 10; k++) topoSort(small, smallEdges); });
      const one = time(() => topoSort(large, largeEdges));
      expect(one / ten).toBeLessThan(4);
    }
  });

  it('names a cycle at the end of a long chain', () => {
    const nodes = ids(20_000);
    const edges = [...chain(nodes), edge('n19999', 'n19998')];
    expect(topoSort(nodes, edges)).toEqual({ ok: false, cycle: ['n19998', 'n19999'] });
  });
});
