// Node side of the worker boundary: the same EngineApi, served from a worker thread.
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { setFlagsFromString } from 'node:v8';
import { Worker } from 'node:worker_threads';
import type { RunEvent } from './events.ts';
import type { EngineApi } from './service.ts';

export interface NodeEngine {
  api: Comlink.Remote<EngineApi>;
  /** Wraps an event callback so it can be called from the worker. */
  listen(onEvent: (e: RunEvent) => void): (e: RunEvent) => void;
  close(): Promise<void>;
}

/**
 * V8 counts the tensors the engine's cache keeps (ArrayBuffer backing stores) toward its heap's limit.
 * From its default small initial heap, a run that adds a few MB to the cache started a full
 * mark-compact almost every time (19 in 60 runs of the executor bench's graph, 5 with 256 MB). The size
 * is a V8 flag, read when an isolate is made, so it is set before the first engine's worker starts.
 * LATENT_LOOM_WORKER_HEAP_MB sets it (0: V8's default).
 */
export const DEFAULT_WORKER_HEAP_MB = 256;
let heapSized = false;

function sizeWorkerHeaps(): void {
  if (heapSized) return;
  const text = process.env.LATENT_LOOM_WORKER_HEAP_MB;
  const mb = text === undefined || text === '' ? DEFAULT_WORKER_HEAP_MB : Number(text);
  if (!Number.isInteger(mb) || mb < 0 || mb > 65536) throw new Error(`LATENT_LOOM_WORKER_HEAP_MB must be a whole number of MB from 0 to 65536 (got ${JSON.stringify(text)})`);
  if (mb > 0) setFlagsFromString(`--initial-heap-size=${mb}`);
  heapSized = true;
}

export function startNodeEngine(options: { modelRoots?: string[]; threads?: number; cacheBytes?: number } = {}): NodeEngine {
  sizeWorkerHeaps();
  const worker = new Worker(new URL('./worker.node.mjs', import.meta.url), { workerData: options });
  const api = Comlink.wrap<EngineApi>(nodeEndpoint(worker));
  return {
    api,
    listen: (onEvent) => Comlink.proxy(onEvent),
    close: async () => {
      api[Comlink.releaseProxy]();
      await worker.terminate();
    },
  };
}
