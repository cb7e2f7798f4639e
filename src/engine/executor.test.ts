import { beforeEach, describe, expect, it } from 'vitest';
import { createNodeRuntime } from '../runtime/node.ts';
import type { RunEvent } from './events.ts';
import { Executor } from './executor.ts';
import { calls, doc, testRegistry } from '../../test/nodes.ts';

const runtime = createNodeRuntime({ threads: 1 });
const executor = (budget?: number) => new Executor(testRegistry(), runtime, budget);
const snapshot = () => Object.fromEntries(calls);
const delta = (before: Record<string, number>) =>
  Object.fromEntries([...calls].filter(([id, n]) => n !== (before[id] ?? 0)).map(([id, n]) => [id, n - (before[id] ?? 0)]));

/** n1 -> n2.a, n5 -> n2.b, n2 -> n3 (sink); n5 -> n6 -> n7 (sink). */
const twoBranches = (n1 = 1, n5 = 10) => doc(
  [
    { id: 'n1', type: 'test.number', params: { value: n1 } }, { id: 'n5', type: 'test.number', params: { value: n5 } },
    { id: 'n2', type: 'test.add' }, { id: 'n3', type: 'test.sink' }, { id: 'n6', type: 'test.add' }, { id: 'n7', type: 'test.sink' },
  ],
  [['n1', 'value', 'n2', 'a'], ['n5', 'value', 'n2', 'b'], ['n2', 'sum', 'n3', 'value'], ['n5', 'value', 'n6', 'a'], ['n6', 'sum', 'n7', 'value']],
);

beforeEach(() => calls.clear());

describe('executor', () => {
  it('runs every output node in topological order and returns their results', async () => {
    const events: RunEvent[] = [];
    const result = await executor().run(twoBranches(), { onEvent: (e) => events.push(e) });
    expect(result.status).toBe('done');
    expect(result.results).toEqual({ n3: { value: 11 }, n7: { value: 10 } });
    const started = events.filter((e) => e.type === 'node-started').map((e) => (e as { nodeId: string }).nodeId);
    expect(started).toEqual(['n1', 'n5', 'n2', 'n3', 'n6', 'n7']);
    expect(events[0]).toMatchObject({ type: 'run-started', plan: ['n1', 'n5', 'n2', 'n3', 'n6', 'n7'] });
    expect(events.at(-1)).toMatchObject({ type: 'run-finished', status: 'done' });
  });

  it('an identical re-run executes nothing', async () => {
    const ex = executor();
    await ex.run(twoBranches());
    const before = snapshot();
    const result = await ex.run(twoBranches());
    expect(delta(before)).toEqual({});
    expect(result.results).toEqual({ n3: { value: 11 }, n7: { value: 10 } });
    expect(result.nodes.n3).toEqual({ state: 'done', ms: 0, cached: true });
  });

  it('changing one param re-runs exactly that node and its descendants', async () => {
    const ex = executor();
    await ex.run(twoBranches(1, 10));
    let before = snapshot();
    const result = await ex.run(twoBranches(2, 10));
    expect(delta(before)).toEqual({ n1: 1, n2: 1, n3: 1 });
    expect(result.results).toEqual({ n3: { value: 12 }, n7: { value: 10 } });
    before = snapshot();
    await ex.run(twoBranches(2, 20));
    expect(delta(before)).toEqual({ n5: 1, n2: 1, n3: 1, n6: 1, n7: 1 });
  });

  it('inputs and params that only feed previews are no part of the key: changing them re-runs nothing, the rest still does', async () => {
    const ex = executor();
    const graph = (a: number, look: number, every: number) => doc(
      [{ id: 'a', type: 'test.number', params: { value: a } }, { id: 'look', type: 'test.number', params: { value: look } },
        { id: 's', type: 'test.shows', params: { every } }, { id: 'out', type: 'test.sink' }],
      [['a', 'value', 's', 'a'], ['look', 'value', 's', 'look'], ['s', 'value', 'out', 'value']],
    );
    const first = await ex.run(graph(1, 5, 1));
    expect(first.results).toEqual({ out: { value: 1 } });
    let before = snapshot();
    const again = await ex.run(graph(1, 6, 3));
    expect(delta(before)).toEqual({});
    expect(again.nodes.s).toEqual({ state: 'done', ms: 0, cached: true });
    // Unwired, it is the same key too.
    before = snapshot();
    await ex.run(doc([{ id: 'a', type: 'test.number', params: { value: 1 } }, { id: 's', type: 'test.shows' }, { id: 'out', type: 'test.sink' }],
      [['a', 'value', 's', 'a'], ['s', 'value', 'out', 'value']]));
    expect(delta(before)).toEqual({});
    // A keyed input still counts, and the preview's source runs again with it, since the kernel reads it.
    before = snapshot();
    expect((await ex.run(graph(2, 6, 3))).results).toEqual({ out: { value: 2 } });
    expect(delta(before)).toEqual({ a: 1, look: 1, s: 1, out: 1 });
  });

  it('a param change that gives the same key again reuses the old result', async () => {
    const ex = executor();
    await ex.run(twoBranches(1));
    await ex.run(twoBranches(2));
    const before = snapshot();
    await ex.run(twoBranches(1));
    expect(delta(before)).toEqual({});
  });

  it('runs only what a target needs', async () => {
    const result = await executor().run(twoBranches(), { targets: ['n6'] });
    expect(snapshot()).toEqual({ n5: 1, n6: 1 });
    expect(result.results).toEqual({}); // n6 is not an output node
  });

  it('an unknown target is refused with its id', async () => {
    const result = await executor().run(twoBranches(), { targets: ['n9'] });
    expect(result.status).toBe('invalid');
    expect(result.problems[0].message).toBe('run target "n9" is not a node of this graph');
  });

  it('only the planned part of the graph has to be valid', async () => {
    const g = twoBranches();
    g.edges = g.edges.filter((e) => e.to.node !== 'n7'); // n7 has no input now
    const ex = executor();
    expect((await ex.run(g)).status).toBe('invalid');
    const partial = await ex.run(g, { targets: ['n3'] });
    expect(partial.status).toBe('done');
    expect(partial.results).toEqual({ n3: { value: 11 } });
  });

  it('a failing node fails only its descendants; the rest finishes and stays cached', async () => {
    const g = doc(
      [{ id: 'n1', type: 'test.number', params: { value: 3 } }, { id: 'bad', type: 'test.fail' }, { id: 'after', type: 'test.add' },
        { id: 's1', type: 'test.sink' }, { id: 'good', type: 'test.add' }, { id: 's2', type: 'test.sink' }],
      [['n1', 'value', 'bad', 'a'], ['bad', 'value', 'after', 'a'], ['after', 'sum', 's1', 'value'], ['n1', 'value', 'good', 'a'], ['good', 'sum', 's2', 'value']],
    );
    const ex = executor();
    const result = await ex.run(g);
    expect(result.status).toBe('failed');
    expect(result.nodes.bad).toEqual({ state: 'failed', message: 'Fail ("bad"): this node always fails' });
    expect(result.nodes.after).toEqual({ state: 'skipped', because: 'input "a" comes from "bad", which did not run' });
    expect(result.nodes.s1.state).toBe('skipped');
    expect(result.nodes.s2).toMatchObject({ state: 'done', cached: false });
    expect(result.results).toEqual({ s2: { value: 3 } });
    const before = snapshot();
    await ex.run(g);
    expect(delta(before)).toEqual({ bad: 1 }); // the good branch is cached; the failure is not
  });

  it('cancel stops a long kernel between steps and the nodes after it', async () => {
    const g = doc(
      [{ id: 'n1', type: 'test.number' }, { id: 'slow', type: 'test.slow', params: { steps: 200, stepMs: 5 } }, { id: 's', type: 'test.sink' }],
      [['n1', 'value', 'slow', 'a'], ['slow', 'value', 's', 'value']],
    );
    const controller = new AbortController();
    const progress: number[] = [];
    const ex = executor();
    const result = await ex.run(g, {
      signal: controller.signal,
      onEvent: (e) => { if (e.type === 'node-progress') { progress.push(e.step); if (e.step === 3) controller.abort(); } },
    });
    expect(result.status).toBe('cancelled');
    expect(result.nodes.slow).toEqual({ state: 'cancelled' });
    expect(result.nodes.s).toEqual({ state: 'skipped', because: 'input "value" comes from "slow", which was cancelled' });
    expect(progress).toEqual([1, 2, 3]);
    const before = snapshot();
    const again = await ex.run(g); // what finished before the cancel stays cached
    expect(again.status).toBe('done');
    expect(delta(before)).toEqual({ slow: 1, s: 1 });
  });

  it('cancel before a node starts leaves it cancelled, not run', async () => {
    const controller = new AbortController();
    controller.abort();
    const result = await executor().run(twoBranches(), { signal: controller.signal });
    expect(result.status).toBe('cancelled');
    expect(snapshot()).toEqual({});
    expect(result.nodes.n1).toEqual({ state: 'cancelled' });
  });

  it('evicts the least recently used outputs to stay under the byte budget', async () => {
    const big = (id: string, value: number) => doc(
      [{ id: 'src', type: 'test.number', params: { value } }, { id, type: 'test.big', params: { kib: 4 } }],
      [['src', 'value', id, 'a']],
    );
    const ex = executor(10 * 1024); // room for two 4 KiB outputs
    await ex.run(big('a', 1), { targets: ['a'] });
    await ex.run(big('b', 2), { targets: ['b'] });
    await ex.run(big('a', 1), { targets: ['a'] }); // touch a: b is now the oldest
    await ex.run(big('c', 3), { targets: ['c'] });
    expect(ex.cache.bytes).toBeLessThanOrEqual(10 * 1024);
    let before = snapshot();
    await ex.run(big('a', 1), { targets: ['a'] });
    expect(delta(before)).toEqual({});
    before = snapshot();
    await ex.run(big('b', 2), { targets: ['b'] });
    expect(delta(before)).toEqual({ src: 1, b: 1 }); // b's small source was older still, so it went too
  });

  it('never caches an output larger than the whole budget, yet still delivers it', async () => {
    const g = doc([{ id: 'src', type: 'test.number' }, { id: 'big', type: 'test.big', params: { kib: 64 } }], [['src', 'value', 'big', 'a']]);
    const ex = executor(16 * 1024);
    const events: RunEvent[] = [];
    const result = await ex.run(g, { targets: ['big'], onEvent: (e) => events.push(e) });
    expect(result.status).toBe('done');
    expect(ex.cache.bytes).toBeLessThanOrEqual(16 * 1024);
    expect(ex.outputs('big')).toBeUndefined();
  });
});
