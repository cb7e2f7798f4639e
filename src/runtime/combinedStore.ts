// Several stores as one: the models bundled with the app (fetch) and the user's own (OPFS). The first
// store that has an id serves it, so list order is also precedence.
import { unknownModel, type ModelManifest } from './manifest.ts';
import type { ModelStore } from './runtime.ts';

export class CombinedModelStore implements ModelStore {
  constructor(private readonly stores: readonly ModelStore[]) {}

  async list(): Promise<ModelManifest[]> {
    const seen = new Map<string, ModelManifest>();
    for (const store of this.stores) {
      // One store failing (e.g. no bundled index offline) must not hide the others' models.
      const models = await store.list().catch((e: Error) => {
        console.warn(`a model store could not be listed: ${e.message}`);
        return [];
      });
      for (const m of models) if (!seen.has(m.id)) seen.set(m.id, m);
    }
    return [...seen.values()];
  }

  async get(id: string): Promise<ModelManifest> {
    return (await this.owner(id)).get(id);
  }

  async readFile(id: string, path: string): Promise<Uint8Array> {
    return (await this.owner(id)).readFile(id, path);
  }

  /** The store serving `id`. */
  async owner(id: string): Promise<ModelStore> {
    for (const store of this.stores) {
      const ids: string[] = await store.list().then((ms) => ms.map((m) => m.id), () => []);
      if (ids.includes(id)) return store;
    }
    throw unknownModel(id, (await this.list()).map((m) => m.id));
  }
}
