// Models served over HTTP next to the app: /models/index.json lists the folders and their manifests.
import { parseManifest, unknownModel, type ModelManifest } from './manifest.ts';
import type { ModelStore } from './runtime.ts';

export interface ModelIndexEntry { dir: string; manifest: unknown }

export class FetchModelStore implements ModelStore {
  private index: Promise<Map<string, { dir: string; manifest: ModelManifest }>> | null = null;

  constructor(private readonly baseUrl: string) {}

  async list(): Promise<ModelManifest[]> {
    return [...(await this.load()).values()].map((m) => m.manifest);
  }

  async get(id: string): Promise<ModelManifest> {
    return (await this.entry(id)).manifest;
  }

  async readFile(id: string, path: string): Promise<Uint8Array> {
    const { dir } = await this.entry(id);
    const url = new URL(`${dir}/${path}`, this.baseUrl);
    const response = await fetch(url);
    if (!response.ok) throw new Error(`model "${id}": ${path} could not be fetched (${response.status} ${response.statusText})`);
    return new Uint8Array(await response.arrayBuffer());
  }

  private async entry(id: string) {
    const found = (await this.load()).get(id);
    if (!found) throw unknownModel(id, (await this.load()).keys());
    return found;
  }

  private load() {
    this.index ??= (async () => {
      const response = await fetch(new URL('index.json', this.baseUrl));
      if (!response.ok) throw new Error(`the model index could not be fetched (${response.status})`);
      const entries = (await response.json()) as ModelIndexEntry[];
      return new Map(entries.map((e) => {
        const manifest = parseManifest(e.manifest, `${e.dir}/manifest.json`);
        return [manifest.id, { dir: e.dir, manifest }];
      }));
    })();
    this.index.catch(() => { this.index = null; });
    return this.index;
  }
}
