// Node side of the worker boundary: the same EngineApi, served from a worker thread.
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { Worker } from 'node:worker_threads';
import type { RunEvent } from './events.ts';
import type { EngineApi } from './service.ts';

export interface NodeEngine {
  api: Comlink.Remote<EngineApi>;
  /** Wraps an event callback so it can be called from the worker. */
  listen(onEvent: (e: RunEvent) => void): (e: RunEvent) => void;
  close(): Promise<void>;
}

export function startNodeEngine(options: { modelRoots?: string[]; threads?: number; cacheBytes?: number } = {}): NodeEngine {
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
