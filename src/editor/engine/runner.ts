// Every run the user asks for goes through here: a run starts at once when none is going, else it waits
// in the queue, as the graph was when it was asked for. After a run is queued, seed params set to
// increment or randomize move on, so the next run (or the next of "Run N times") gets another seed.
import { edit, endGesture, getDoc } from '../store/graph.ts';
import { runStore } from '../store/run.ts';
import { enqueue, queueStore, takeNext } from '../store/queue.ts';
import { nextSeeds, seedStore } from '../store/seeds.ts';
import { runDoc } from './session.ts';

/** Queues `times` runs of the graph as it is now (each with its seeds moved on after it), and starts the first if idle. */
export function requestRun(targets?: string[], times = 1): void {
  for (let i = 0; i < Math.max(1, Math.min(100, Math.floor(times))); i++) {
    const doc = getDoc();
    const label = targets ? `to ${targets.join(', ')}` : 'all outputs';
    enqueue(doc, targets, label);
    advanceSeeds();
  }
  pump();
}

function advanceSeeds(): void {
  const changes = nextSeeds(getDoc(), seedStore.get());
  if (changes.length === 0) return;
  endGesture();
  edit((d) => {
    for (const c of changes) {
      const n = d.nodes.find((x) => x.id === c.nodeId);
      if (n) n.params[c.param] = c.value;
    }
  });
  endGesture();
}

let dispatching = false;

/** Starts the next queued run when none is going. */
function pump(): void {
  if (dispatching || runStore.get().running) return;
  const next = takeNext();
  if (!next) return;
  dispatching = true;
  void runDoc(next.doc, next.targets).finally(() => { dispatching = false; pump(); });
}

// A run that ends another way (force stop, an engine restart) lets the queue go on too.
runStore.subscribe(() => { if (!runStore.get().running && queueStore.get().length > 0) queueMicrotask(pump); });
