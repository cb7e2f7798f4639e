import { beforeEach, describe, expect, it } from 'vitest';
import { emptyGraph, type GraphDoc } from '../../graph/index.ts';
import { clearQueue, enqueue, moveQueued, queueStore, removeQueued, takeNext } from './queue.ts';
import { nextSeeds } from './seeds.ts';

const doc = (tag: number): GraphDoc => ({ ...emptyGraph(), nodes: [{ id: `n${tag}`, type: 'image.gradient', version: 1, position: { x: 0, y: 0 }, params: {} }] });
const labels = () => queueStore.get().map((r) => r.label);

describe('the run queue', () => {
  beforeEach(clearQueue);

  it('runs first in, first out, each with the graph as it was when queued', () => {
    const d = doc(1);
    enqueue(d, undefined, 'a');
    enqueue(doc(2), ['n2'], 'b');
    d.nodes[0].params.blue = 1; // (documents are immutable in the editor; a snapshot is what was queued)
    const first = takeNext()!;
    expect(first.label).toBe('a');
    expect(first.doc).toBe(d);
    expect(takeNext()!.targets).toEqual(['n2']);
    expect(takeNext()).toBeUndefined();
  });

  it('moves a run earlier or later, and removes one', () => {
    const a = enqueue(doc(1), undefined, 'a');
    const b = enqueue(doc(2), undefined, 'b');
    const c = enqueue(doc(3), undefined, 'c');
    moveQueued(c.id, -1);
    expect(labels()).toEqual(['a', 'c', 'b']);
    moveQueued(a.id, -1); // already first
    moveQueued(b.id, 1); // already last
    expect(labels()).toEqual(['a', 'c', 'b']);
    moveQueued(a.id, 1);
    expect(labels()).toEqual(['c', 'a', 'b']);
    removeQueued(a.id);
    expect(labels()).toEqual(['c', 'b']);
  });
});

describe('seeds after a run', () => {
  const graph: GraphDoc = {
    ...emptyGraph(),
    nodes: [
      { id: 'noise', type: 'diffusion.noise', version: 1, position: { x: 0, y: 0 }, params: { seed: 41 } },
      { id: 'gan', type: 'gan.generate', version: 1, position: { x: 0, y: 0 }, params: { seed: 7, mix_seed: 3 } },
    ],
  };

  it('fixed keeps the seed, increment adds one, randomize picks a new one', () => {
    const changes = nextSeeds(graph, { 'noise:seed': 'increment', 'gan:mix_seed': 'randomize', 'gan:seed': 'fixed' }, () => 0.5);
    expect(changes).toEqual([
      { nodeId: 'noise', param: 'seed', value: 42 },
      { nodeId: 'gan', param: 'mix_seed', value: 2 ** 31 },
    ]);
    expect(nextSeeds(graph, {})).toEqual([]);
  });
});
