// The model manager's actions, as the editor calls them: list, add files, download, delete, and the
// models a graph needs. It runs where the user's store is reachable (the browser's engine worker).
import type { GraphDoc, ModelRef } from '../graph/types.ts';
import type { NodeCatalog } from '../kernel/registry.ts';
import type { ModelManifest } from '../runtime/manifest.ts';
import type { OpfsModelStore, StorageUsage } from '../runtime/opfsStore.ts';
import type { ModelStore } from '../runtime/runtime.ts';
import type { Opener, PickedFile } from './fileSource.ts';
import { graphModelRefs, missingModels, type MissingModel } from './graphModels.ts';
import { idFromName, type Imported } from './importModel.ts';
import { KNOWN_MODELS } from './known.ts';
import { fileNameFromUrl, modelIdProblem } from './names.ts';
import { UserModels, type FileProgress } from './userModels.ts';

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

export interface ModelsServiceParts {
  /** The user's models (browser storage): what this service adds to and deletes from. */
  user: OpfsModelStore;
  /** The models bundled with the app. */
  bundled: ModelStore;
  /** The store graphs run against: the user's first, then the bundled ones. */
  store: ModelStore;
  catalog: NodeCatalog;
  /** Opens a file for recognition (a WASM session: only its inputs and outputs are read). */
  open: Opener;
}

export function createModelsService({ user: opfs, bundled, store, catalog, open }: ModelsServiceParts): ModelsApi {
  const user = new UserModels(opfs, open);

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

  return {
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
    refs: (doc) => graphModelRefs(doc, catalog, store),
    missing: (doc) => missingModels(doc, catalog, store),
  };
}
