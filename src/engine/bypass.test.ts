// Bypassed nodes: they do not run, their outputs pass on what feeds their first input of the same type.
import { beforeEach, describe, expect, it } from 'vitest';
import { loadGraph } from '../graph/index.ts';
import { createNodeRuntime } from '../runtime/node.ts';
import { Executor } from './executor.ts';
import { calls, doc, testRegistry } from '../../test/nodes.ts';

const executor = () => new Executor(testRegistry(), createNodeRuntime({ threads: 1 }));
const counted = () => Object.fromEntries(calls);

/** n1 (1) -> n2.a, n5 (10) -> n2.b; n2 (add) -> n3 (sink). */
function graph(bypass: string[] = []) {
  const d = doc(
    [{ id: 'n1', type: 'test.number', params: { value: 1 } }, { id: 'n5', type: 'test.number', params: { value: 10 } },
      { id: 'n2', type: 'test.add' }, { id: 'n3', type: 'test.sink' }],
    [['n1', 'value', 'n2', 'a'], ['n5', 'value', 'n2', 'b'], ['n2', 'sum', 'n3', 'value']],
  );
  return { ...d, nodes: d.nodes.map((n) => (bypass.includes(n.id) ? { ...n, bypass: true } : n)) };
}

beforeEach(() => calls.clear());

describe('bypass', () => {
  it('a bypassed node does not run and passes on its first input of the output type', async () => {
    const result = await executor().run(graph(['n2']));
    expect(result.status).toBe('done');
    expect(result.results).toEqual({ n3: { value: 1 } });
    expect(counted()).toEqual({ n1: 1, n3: 1 }); // n5 fed only the bypassed node's other input
    expect(result.nodes.n2).toBeUndefined();
  });

  it('turning bypass on and off re-runs only what changed; the earlier results come back from the cache', async () => {
    const ex = executor();
    expect((await ex.run(graph())).results).toEqual({ n3: { value: 11 } });
    calls.clear();
    expect((await ex.run(graph(['n2']))).results).toEqual({ n3: { value: 1 } });
    expect(counted()).toEqual({ n3: 1 });
    calls.clear();
    expect((await ex.run(graph())).results).toEqual({ n3: { value: 11 } });
    expect(counted()).toEqual({});
  });

  it('needs only the input it passes on: a bypassed node may lack its other required inputs', async () => {
    const d = graph(['n2']);
    d.edges = d.edges.filter((e) => e.to.port !== 'a'); // n2.a (required) unconnected: n2 passes on n5 through b
    expect(loadGraph(d, testRegistry()).ok).toBe(true);
    expect((await executor().run(d)).results).toEqual({ n3: { value: 10 } });
  });

  it('wires through a chain of bypassed nodes', async () => {
    const d = doc(
      [{ id: 'n1', type: 'test.number', params: { value: 4 } }, { id: 'a', type: 'test.add' }, { id: 'b', type: 'test.add' }, { id: 's', type: 'test.sink' }],
      [['n1', 'value', 'a', 'a'], ['a', 'sum', 'b', 'a'], ['b', 'sum', 's', 'value']],
    );
    const chained = { ...d, nodes: d.nodes.map((n) => (n.id === 'a' || n.id === 'b' ? { ...n, bypass: true } : n)) };
    expect((await executor().run(chained)).results).toEqual({ s: { value: 4 } });
    expect(counted()).toEqual({ n1: 1, s: 1 });
  });

  it('refuses a bypassed node with nothing of the output type to pass on, naming the node and the port', async () => {
    const d = graph(['n1']); // a Number has no inputs at all
    const result = await executor().run(d);
    expect(result.status).toBe('invalid');
    expect(result.problems).toEqual([expect.objectContaining({ code: 'bypass-no-input', node: 'n1', port: 'value' })]);
    expect(result.problems[0].message).toMatch(/Number \("n1"\) is bypassed, but its output "value" \(FLOAT\) has no connected input/);
    expect(calls.size).toBe(0);
  });

  it('a bypassed output node is not a default target, and cannot be asked for', async () => {
    const ex = executor();
    const d = graph(['n3']);
    expect((await ex.run(d)).results).toEqual({});
    expect(calls.size).toBe(0);
    const asked = await ex.run(d, { targets: ['n3'] });
    expect(asked.problems).toEqual([expect.objectContaining({ code: 'bypassed-target', node: 'n3' })]);
  });

  it('bypass is a boolean in the document', () => {
    const d = { ...graph(), nodes: graph().nodes.map((n, i) => (i === 2 ? { ...n, bypass: 'yes' } : n)) };
    const result = loadGraph(d, testRegistry());
    expect(result.ok ? [] : result.problems.map((p) => p.field)).toEqual(['nodes[2].bypass']);
  });
});
