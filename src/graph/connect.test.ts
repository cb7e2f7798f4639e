import { describe, expect, it } from 'vitest';
import { doc, testRegistry } from '../../test/nodes.ts';
import { checkConnection } from './connect.ts';

const catalog = testRegistry();
const g = doc(
  [{ id: 'n1', type: 'test.number' }, { id: 'n2', type: 'test.add' }, { id: 'n3', type: 'test.sink' }, { id: 'n4', type: 'test.big' }],
  [['n1', 'value', 'n2', 'a'], ['n2', 'sum', 'n3', 'value']],
);
const at = (node: string, port: string) => ({ node, port });

describe('connection rules', () => {
  it('accepts a free input of the same type', () => {
    expect(checkConnection(g, catalog, at('n1', 'value'), at('n2', 'b'))).toEqual({ ok: true });
  });
  it('refuses a wrong type with the two types named', () => {
    expect(checkConnection(g, catalog, at('n4', 'tensor'), at('n2', 'b'))).toEqual({ ok: false, reason: 'TENSOR cannot feed FLOAT' });
  });
  it('refuses a taken input, naming where its wire comes from', () => {
    expect(checkConnection(g, catalog, at('n1', 'value'), at('n2', 'a'))).toEqual({ ok: false, reason: 'input "a" of "n2" already has a wire (from "n1")' });
  });
  it('refuses a cycle', () => {
    const g2 = doc([{ id: 'a', type: 'test.add' }, { id: 'b', type: 'test.add' }], [['a', 'sum', 'b', 'a']]);
    expect(checkConnection(g2, catalog, at('b', 'sum'), at('a', 'a'))).toEqual({ ok: false, reason: 'the wire would make a cycle ("b" already depends on "a")' });
  });
  it('a wire being moved neither takes its own input nor closes a cycle through itself', () => {
    const g2 = doc([{ id: 'a', type: 'test.add' }, { id: 'b', type: 'test.add' }], [['a', 'sum', 'b', 'a']]);
    const [moved] = g2.edges;
    // Turning a -> b around into b -> a: a cycle only with the old wire still counted.
    expect(checkConnection(g2, catalog, at('b', 'sum'), at('a', 'a'), moved.id)).toEqual({ ok: true });
    expect(checkConnection(g, catalog, at('n1', 'value'), at('n2', 'a'), g.edges[0].id)).toEqual({ ok: true });
  });
  it('refuses a node feeding itself', () => {
    expect(checkConnection(g, catalog, at('n2', 'sum'), at('n2', 'b'))).toEqual({ ok: false, reason: 'a node cannot feed itself' });
  });
  it('refuses ports that do not exist', () => {
    expect(checkConnection(g, catalog, at('n1', 'nope'), at('n2', 'b'))).toEqual({ ok: false, reason: 'Number ("n1") has no output "nope" (it has: value)' });
    expect(checkConnection(g, catalog, at('n1', 'value'), at('n9', 'b'))).toEqual({ ok: false, reason: 'node "n9" does not exist' });
  });
});
