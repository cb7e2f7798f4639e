// The user's models in the browser: the Origin Private File System, one folder per model with its
// manifest.json (written last, so a half-copied model is never listed).
import { parseManifest, unknownModel, type ModelManifest } from './manifest.ts';
import type { ModelStore } from './runtime.ts';

export interface StorageUsage { usage: number; quota: number }

type Dir = FileSystemDirectoryHandle;
type Estimate = () => Promise<{ usage?: number; quota?: number }>;

export class OpfsModelStore implements ModelStore {
  private cache: Promise<Map<string, { dir: Dir; manifest: ModelManifest }>> | null = null;

  constructor(
    private readonly root: () => Promise<Dir> = async () => (await navigator.storage.getDirectory()).getDirectoryHandle('models', { create: true }),
    private readonly estimate: Estimate = () => navigator.storage.estimate(),
  ) {}

  async list(): Promise<ModelManifest[]> {
    return [...(await this.scan()).values()].map((m) => m.manifest);
  }

  async get(id: string): Promise<ModelManifest> {
    return (await this.entry(id)).manifest;
  }

  async readFile(id: string, path: string): Promise<Uint8Array> {
    const file = await fileAt((await this.entry(id)).dir, path).catch(() => {
      throw new Error(`model "${id}": ${path} is not in browser storage`);
    });
    return new Uint8Array(await (await file.getFile()).arrayBuffer());
  }

  /** Stores a model: every file its manifest lists (by path), then the manifest. */
  async add(manifest: ModelManifest, files: Map<string, Blob | Uint8Array>): Promise<void> {
    for (const f of manifest.files) {
      const data = files.get(f.path);
      if (!data) throw new Error(`model "${manifest.id}": ${f.path} was not given`);
      const size = data instanceof Blob ? data.size : data.byteLength;
      if (size !== f.bytes) throw new Error(`model "${manifest.id}": ${f.path} is ${size} bytes, its manifest says ${f.bytes}`);
    }
    const root = await this.root();
    if (await root.getDirectoryHandle(manifest.id).then(() => true, () => false)) {
      throw new Error(`a model "${manifest.id}" is already stored; delete it first`);
    }
    const needed = manifest.files.reduce((n, f) => n + f.bytes, 0);
    const dir = await root.getDirectoryHandle(manifest.id, { create: true });
    try {
      for (const f of manifest.files) await writeFile(dir, f.path, files.get(f.path)!);
      await writeFile(dir, 'manifest.json', new TextEncoder().encode(JSON.stringify(manifest, null, 2)));
    } catch (e) {
      await root.removeEntry(manifest.id, { recursive: true }).catch(() => undefined);
      throw await this.storageError(e, `model "${manifest.id}" (${needed} bytes)`);
    } finally {
      this.cache = null;
    }
  }

  /** Lists a model whose files were written into folder(id) (a download): sizes checked, manifest written. */
  async commit(manifest: ModelManifest): Promise<void> {
    const dir = await this.folder(manifest.id);
    for (const f of manifest.files) {
      const file = await fileAt(dir, f.path).then((h) => h.getFile(), () => null);
      if (file?.size !== f.bytes) throw new Error(`model "${manifest.id}": ${f.path} is ${file ? `${file.size} bytes, its manifest says ${f.bytes}` : 'missing'}`);
    }
    await writeFile(dir, 'manifest.json', new TextEncoder().encode(JSON.stringify(manifest, null, 2)));
    this.cache = null;
  }

  /** Removes a model's folder (also a download in progress), which frees its space. */
  async delete(id: string): Promise<void> {
    const found = (await this.scan()).get(id);
    const root = await this.root();
    await root.removeEntry(found?.dir.name ?? id, { recursive: true }).catch((e: Error) => {
      throw new Error(`model "${id}" could not be deleted: ${e.message}`);
    });
    this.cache = null;
  }

  async usage(): Promise<StorageUsage> {
    const { usage = 0, quota = 0 } = await this.estimate();
    return { usage, quota };
  }

  /** The folder a download for model `id` writes into (created when missing). */
  async folder(id: string): Promise<Dir> {
    return (await this.root()).getDirectoryHandle(id, { create: true });
  }

  /** A quota error as a message that says what to do; other errors unchanged. */
  async storageError(e: unknown, what: string): Promise<Error> {
    if ((e as { name?: string })?.name !== 'QuotaExceededError') return e as Error;
    const { usage, quota } = await this.usage().catch(() => ({ usage: 0, quota: 0 }));
    const mb = (n: number) => `${(n / 1e6).toFixed(n < 1e7 ? 1 : 0)} MB`;
    return new Error(`not enough browser storage for ${what}: ${mb(usage)} of ${mb(quota)} in use. Delete models you no longer use, or let this site store more.`);
  }

  private async entry(id: string) {
    const found = (await this.scan()).get(id);
    if (!found) throw unknownModel(id, (await this.scan()).keys());
    return found;
  }

  private scan() {
    this.cache ??= (async () => {
      const out = new Map<string, { dir: Dir; manifest: ModelManifest }>();
      const root = await this.root();
      for await (const handle of (root as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
        if (handle.kind !== 'directory') continue;
        const dir = handle as Dir;
        const file = await dir.getFileHandle('manifest.json').catch(() => null);
        if (!file) continue; // a download still in progress
        const text = await (await file.getFile()).text();
        const manifest = parseManifest(JSON.parse(text), `${dir.name}/manifest.json`);
        out.set(manifest.id, { dir, manifest });
      }
      return out;
    })();
    this.cache.catch(() => { this.cache = null; });
    return this.cache;
  }
}

/** The file at a '/'-separated path under `dir`; `create` makes the folders and file on the way. */
export async function fileAt(dir: Dir, path: string, create = false): Promise<FileSystemFileHandle> {
  const parts = path.split('/');
  if (parts.some((p) => p === '' || p === '.' || p === '..')) throw new Error(`file path "${path}" is not a plain relative path`);
  let here = dir;
  for (const part of parts.slice(0, -1)) here = await here.getDirectoryHandle(part, { create });
  return here.getFileHandle(parts.at(-1)!, { create });
}

async function writeFile(dir: Dir, path: string, data: Blob | Uint8Array): Promise<void> {
  const writable = await (await fileAt(dir, path, true)).createWritable();
  try {
    await writable.write(data as Blob);
    await writable.close();
  } catch (e) {
    await writable.abort().catch(() => undefined);
    throw e;
  }
}
