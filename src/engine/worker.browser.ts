// The engine inside a Web Worker: onnxruntime-web runs here, never on the UI thread.
import * as Comlink from 'comlink';
import { Registry } from '../../nodes/registry.ts';
import { createWebRuntime, type WebBackend } from '../runtime/web.ts';
import { EngineService, type EngineApi } from './service.ts';
import { comlinkTransfer } from './transfer.ts';

export interface EngineBoot {
  start(backend: WebBackend): Promise<EngineApi>;
}

const boot: EngineBoot = {
  async start(backend) {
    const runtime = await createWebRuntime(backend);
    return Comlink.proxy(new EngineService(new Registry(), runtime, undefined, comlinkTransfer));
  },
};
Comlink.expose(boot);
