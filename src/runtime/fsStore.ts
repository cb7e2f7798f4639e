// Models on disk (Node): every folder with a manifest.json under the given roots, the first root first.
import { readFile } from 'node:fs/promises';
import { quote } from '../graph/text.ts';
import { unknownModel, type ModelManifest } from './manifest.ts';
import { scanModelFolders, type ModelFolder } from './modelFolders.ts';
import { containedPath } from './paths.ts';
import type { ModelStore } from './runtime.ts';

export class FsModelStore implements ModelStore {
  private folders: Promise<Map<string, ModelFolder>> | null = null;

  constructor(private readonly roots: string[]) {}

  async list(): Promise<ModelManifest[]> {
    return [...(await this.scan()).values()].map((m) => m.manifest);
  }

  async get(id: string): Promise<ModelManifest> {
    return (await this.folder(id)).manifest;
  }

  async readFile(id: string, path: string): Promise<Uint8Array> {
    const { dir } = await this.folder(id);
    const full = containedPath(dir, path, `model ${quote(id)}`);
    return new Uint8Array(await readFile(full));
  }

  private async folder(id: string) {
    const found = (await this.scan()).get(id);
    if (!found) throw unknownModel(id, (await this.scan()).keys());
    return found;
  }

  private scan() {
    this.folders ??= scanModelFolders(this.roots).then((found) => new Map(found.map((f) => [f.manifest.id, f])));
    return this.folders;
  }
}
