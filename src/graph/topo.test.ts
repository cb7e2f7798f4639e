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
