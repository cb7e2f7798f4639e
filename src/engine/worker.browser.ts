// The engine inside a Web Worker: onnxruntime-web runs here, never on the UI thread. The user's models
// live here too (OPFS is only reachable from here), so the model manager's actions run here as well.
import * as Comlink from 'comlink';
import * as ort from 'onnxruntime-web/webgpu';
import { Registry } from '../../nodes/registry.ts';
import type { GraphDoc, ModelRef } from '../graph/types.ts';
import { sessionOpener, type PickedFile } from '../models/fileSource.ts';
import { graphModelRefs, missingModels, type MissingModel } from '../models/graphModels.ts';
import { idFromName, type Imported } from '../models/importModel.ts';
import { KNOWN_MODELS } from '../models/known.ts';
import { fileNameFromUrl, modelIdProblem } from '../models/names.ts';
import { UserModels, type FileProgress } from '../models/userModels.ts';
import { CombinedModelStore } from '../runtime/combinedStore.ts';
import { FetchModelStore } from '../runtime/fetchStore.ts';
import type { ModelManifest } from '../runtime/manifest.ts';
import { OpfsModelStore, type StorageUsage } from '../runtime/opfsStore.ts';
import { createWebRuntime, type WebBackend } from '../runtime/web.ts';
import { EngineService, type EngineApi } from './service.ts';
import { comlinkTransfer } from './transfer.ts';

export interface ModelsInfo { bundled: ModelManifest[]; user: ModelManifest[]; usage: StorageUsage | null }

export interface ModelsApi {
  list(): Promise<ModelsInfo>;
  /** Picked or dropped files (one .onnx or a folder); `id` names the model (e.g. the id a graph expects). */
  addFiles(files: PickedFile[], id?: string): Promise<Imported>;
  /** `bytes`: the size a graph recorded for the model, which bounds the download. */
  downloadUrl(url: string, id?: string, onProgress?: (p: FileProgress) => void, bytes?: number): Promise<Imported>;
  downloadKnown(id: string, onProgress?: (p: FileProgress) => void): Promise<Imported>;
  delete(id: string): Promise<void>;
  /** The document's `models` field, from the store that serves the models. */
  refs(doc: GraphDoc): Promise<Record<string, ModelRef>>;
  missing(doc: GraphDoc): Promise<MissingModel[]>;
}

export interface EngineBoot {
  start(backend: WebBackend): Promise<EngineApi>;
  models(): ModelsApi;
}

// One OPFS store for the runtime and the model manager, so a model added here is listed there at once.
const opfs = new OpfsModelStore();
const bundled = new FetchModelStore(new URL('/models/', self.location.href).href);
const store = new CombinedModelStore([opfs, bundled]);
const registry = new Registry();
const user = new UserModels(opfs, sessionOpener(ort as never, { executionProviders: ['wasm'] }));

const models: ModelsApi = {
  async list() {
    const [b, u, usage] = await Promise.all([bundled.list().catch(() => []), opfs.list(), opfs.usage().catch(() => null)]);
    return { bundled: b, user: u, usage };
  },
  addFiles: (files, id) => user.addFiles(files, id ? { id } : {}),
  async downloadUrl(url, id, onProgress, bytes) {
    const modelId = id ?? idFromName(fileNameFromUrl(url));
    const problem = modelIdProblem(modelId);
    if (problem) throw new Error(problem);
    return fresh(modelId, (m) => user.downloadUrl(url, { id: m, onProgress, expectedBytes: bytes }), url);
  },
  async downloadKnown(id, onProgress) {
    const known = KNOWN_MODELS.find((k) => k.id === id);
    if (!known) throw new Error(`"${id}" is not in the known-models list`);
    return fresh(id, () => user.downloadKnown(known, { onProgress }), '');
  },
  delete: (id) => user.delete(id),
  refs: (doc) => graphModelRefs(doc, registry, store),
  missing: (doc) => missingModels(doc, registry, store),
};

/**
 * Refuses an id already stored. A download cut off by the network keeps its bytes (the next try resumes);
 * any other failure (not a model, no space) frees what it wrote.
 */
async function fresh(id: string, run: (id: string) => Promise<Imported>, url: string): Promise<Imported> {
  if ((await opfs.list()).some((m) => m.id === id)) throw new Error(`a model "${id}" is already stored; delete it first`);
  try {
    return await run(id);
  } catch (e) {
    // fetch says only "Failed to fetch" when the server is away or refuses other sites (CORS).
    const error = e instanceof TypeError && url ? new Error(`${url}: could not be fetched (${e.message}); the server is offline or does not let other sites download from it (CORS)`) : (e as Error);
    const network = url !== '' && error.message.startsWith(`${url}:`);
    if (!network) await opfs.delete(id).catch(() => undefined);
    throw error;
  }
}

const boot: EngineBoot = {
  async start(backend) {
    return Comlink.proxy(new EngineService(registry, await createWebRuntime(backend, store), undefined, comlinkTransfer));
  },
  models: () => Comlink.proxy(models),
};
Comlink.expose(boot);
