// The engine inside a Web Worker: onnxruntime-web runs here, never on the UI thread.
import * as Comlink from 'comlink';
import { Registry } from '../../nodes/registry.ts';
import { createWebRuntime, type WebBackend } from '../runtime/web.ts';
import { EngineService } from './service.ts';
import { comlinkTransfer } from './transfer.ts';

const params = new URLSearchParams(self.location.search);
const runtime = await createWebRuntime((params.get('backend') as WebBackend | null) ?? 'auto');
Comlink.expose(new EngineService(new Registry(), runtime, undefined, comlinkTransfer));
