// Models on disk (Node): every folder with a manifest.json under the given roots.
import { readdir, readFile } from 'node:fs/promises';
import { join, resolve, sep } from 'node:path';
import { parseManifest, type ModelManifest } from './manifest.ts';
import type { ModelStore } from './runtime.ts';

export class FsModelStore implements ModelStore {
  private folders: Promise<Map<string, { dir: string; manifest: ModelManifest }>> | null = null;

  constructor(private readonly roots: string[]) {}

  async list(): Promise<ModelManifest[]> {
    return [...(await this.scan()).values()].map((m) => m.manifest);
  }

  async get(id: string): Promise<ModelManifest> {
    return (await this.folder(id)).manifest;
  }

  async readFile(id: string, path: string): Promise<Uint8Array> {
    const { dir } = await this.folder(id);
    const full = resolve(dir, path);
    if (!full.startsWith(resolve(dir) + sep)) throw new Error(`model "${id}": file path "${path}" leaves its folder`);
    return new Uint8Array(await readFile(full));
  }

  private async folder(id: string) {
    const found = (await this.scan()).get(id);
    if (!found) {
      const known = [...(await this.scan()).keys()];
      throw new Error(`unknown model "${id}" (known: ${known.join(', ') || 'none'})`);
    }
    return found;
  }

  private scan() {
    this.folders ??= (async () => {
      const out = new Map<string, { dir: string; manifest: ModelManifest }>();
      for (const root of this.roots) {
        const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
        for (const e of entries) {
          if (!e.isDirectory()) continue;
          const dir = join(root, e.name);
          const text = await readFile(join(dir, 'manifest.json'), 'utf8').catch(() => null);
          if (text === null) continue;
          const manifest = parseManifest(JSON.parse(text), join(dir, 'manifest.json'));
          out.set(manifest.id, { dir, manifest });
        }
      }
      return out;
    })();
    return this.folders;
  }
}
