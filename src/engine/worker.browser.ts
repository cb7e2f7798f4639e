// The engine inside a Web Worker: onnxruntime-web runs here, never on the UI thread. The user's models
// live here too (OPFS is only reachable from here), so the model manager's service is served from here
// as well. This file only wires the parts together.
import * as Comlink from 'comlink';
import { builtinRegistry } from '../../nodes/registry.ts';
import { sessionOpener } from '../models/fileSource.ts';
import { createModelsService, type ModelsApi } from '../models/service.ts';
import { CombinedModelStore } from '../runtime/combinedStore.ts';
import { FetchModelStore } from '../runtime/fetchStore.ts';
import { OpfsModelStore } from '../runtime/opfsStore.ts';
import { createWebRuntime, wasmOrt, type WebBackend } from '../runtime/web.ts';
import { EngineService, type EngineApi } from './service.ts';
import { comlinkTransfer } from './transfer.ts';

export type { ModelsApi, ModelsInfo } from '../models/service.ts';

export interface EngineBoot {
  start(backend: WebBackend): Promise<EngineApi>;
  models(): ModelsApi;
}

// One OPFS store for the runtime and the model manager, so a model added there is served here at once.
const opfs = new OpfsModelStore();
const bundled = new FetchModelStore(new URL('/models/', self.location.href).href);
const store = new CombinedModelStore([opfs, bundled]);
const registry = builtinRegistry();
const models = createModelsService({
  user: opfs, bundled, store, catalog: registry,
  // The model manager checks a file on the CPU, with the WASM-only build, loaded when first needed.
  open: async (...args) => sessionOpener(await wasmOrt(), { executionProviders: ['wasm'] })(...args),
});

const boot: EngineBoot = {
  async start(backend) {
    return Comlink.proxy(new EngineService(registry, await createWebRuntime(backend, store), undefined, comlinkTransfer));
  },
  models: () => Comlink.proxy(models),
};
Comlink.expose(boot);
