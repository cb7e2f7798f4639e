// Browser side of the worker boundary: the engine runs in a Web Worker behind Comlink.
import * as Comlink from 'comlink';
import type { WebBackend } from '../runtime/web.ts';
import type { RunEvent } from './events.ts';
import type { EngineApi } from './service.ts';
import type { EngineBoot } from './worker.browser.ts';

export interface BrowserEngine {
  api: Comlink.Remote<EngineApi>;
  listen(onEvent: (e: RunEvent) => void): (e: RunEvent) => void;
  close(): void;
}

/** Starts a fresh worker; changing the backend means a new engine (and an empty cache). */
export async function startBrowserEngine(backend: WebBackend = 'auto'): Promise<BrowserEngine> {
  const worker = new Worker(new URL('./worker.browser.ts', import.meta.url), { type: 'module' });
  const boot = Comlink.wrap<EngineBoot>(worker);
  const api = (await boot.start(backend)) as unknown as Comlink.Remote<EngineApi>;
  return { api, listen: (onEvent) => Comlink.proxy(onEvent), close: () => worker.terminate() };
}
