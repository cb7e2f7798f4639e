// Runs waiting their turn: pressing Run while a run is going queues another run of the graph as it is
// then (a snapshot: later edits do not change it). The queue panel lists, reorders and removes them.
import type { GraphDoc } from '../../graph/index.ts';
import { createStore, useStore } from './createStore.ts';

export interface QueuedRun { id: number; doc: GraphDoc; targets?: string[]; label: string; queuedAt: number }

export const queueStore = createStore<QueuedRun[]>([]);
export const useQueue = <S,>(selector: (q: QueuedRun[]) => S): S => useStore(queueStore, selector);

let ids = 0;

export function enqueue(doc: GraphDoc, targets: string[] | undefined, label: string, now = Date.now()): QueuedRun {
  const run = { id: ++ids, doc, targets, label, queuedAt: now };
  queueStore.set((q) => [...q, run]);
  return run;
}

/** Takes the next run off the queue (first in, first out). */
export function takeNext(): QueuedRun | undefined {
  const [next, ...rest] = queueStore.get();
  if (next) queueStore.set(rest);
  return next;
}

export function removeQueued(id: number): void {
  queueStore.set((q) => q.filter((r) => r.id !== id));
}

/** Moves a queued run one place earlier (-1) or later (+1). */
export function moveQueued(id: number, by: -1 | 1): void {
  queueStore.set((q) => {
    const i = q.findIndex((r) => r.id === id);
    const j = i + by;
    if (i < 0 || j < 0 || j >= q.length) return q;
    const next = [...q];
    [next[i], next[j]] = [next[j], next[i]];
    return next;
  });
}

export function clearQueue(): void {
  queueStore.set([]);
}
