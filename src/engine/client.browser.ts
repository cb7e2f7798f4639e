// Browser side of the worker boundary: the engine runs in a Web Worker behind Comlink.
import * as Comlink from 'comlink';
import type { WebBackend } from '../runtime/web.ts';
import type { EngineApi } from './service.ts';
import type { EngineBoot, ModelsApi } from './worker.browser.ts';

export type { ModelsApi, ModelsInfo } from './worker.browser.ts';

export interface BrowserEngine {
  api: Comlink.Remote<EngineApi>;
  /** The user's models (OPFS), managed in the same worker. */
  models: Comlink.Remote<ModelsApi>;
  /** Wraps a callback (run events, download progress) so the worker can call it. */
  listen<T>(callback: (value: T) => void): (value: T) => void;
  close(): void;
}

/** Starts a fresh worker; changing the backend means a new engine (and an empty cache). */
export async function startBrowserEngine(backend: WebBackend = 'auto'): Promise<BrowserEngine> {
  const worker = new Worker(new URL('./worker.browser.ts', import.meta.url), { type: 'module' });
  const boot = Comlink.wrap<EngineBoot>(worker);
  const api = (await boot.start(backend)) as unknown as Comlink.Remote<EngineApi>;
  const models = (await boot.models()) as unknown as Comlink.Remote<ModelsApi>;
  return { api, models, listen: (callback) => Comlink.proxy(callback), close: () => worker.terminate() };
}
