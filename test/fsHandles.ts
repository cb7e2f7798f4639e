// Test helper: the part of the File System Access API that OPFS code uses, backed by a Node folder.
// Like the browser, a writable works on a copy that lands only on close(); a byte quota can be set.
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

export interface ShimOptions { quota?: number }

async function folderBytes(dir: string): Promise<number> {
  let n = 0;
  for (const e of await readdir(dir, { withFileTypes: true, recursive: true })) if (e.isFile()) n += (await stat(join(e.parentPath, e.name))).size;
  return n;
}

export function fsDirectoryHandle(path: string, options: ShimOptions = {}, root = path): FileSystemDirectoryHandle {
  const name = path.split('/').at(-1)!;
  const notFound = (n: string) => new DOMException(`${n} not found`, 'NotFoundError');
  const handle = {
    kind: 'directory' as const,
    name,
    async getDirectoryHandle(n: string, o: { create?: boolean } = {}) {
      const p = join(path, n);
      const s = await stat(p).catch(() => null);
      if (!s) {
        if (!o.create) throw notFound(n);
        await mkdir(p, { recursive: true });
      } else if (!s.isDirectory()) throw new DOMException(`${n} is a file`, 'TypeMismatchError');
      return fsDirectoryHandle(p, options, root);
    },
    async getFileHandle(n: string, o: { create?: boolean } = {}) {
      const p = join(path, n);
      const s = await stat(p).catch(() => null);
      if (!s) {
        if (!o.create) throw notFound(n);
        await writeFile(p, new Uint8Array(0));
      } else if (!s.isFile()) throw new DOMException(`${n} is a folder`, 'TypeMismatchError');
      return fileHandle(p, n, options, root);
    },
    async removeEntry(n: string, o: { recursive?: boolean } = {}) {
      if (!(await stat(join(path, n)).catch(() => null))) throw notFound(n);
      await rm(join(path, n), { recursive: !!o.recursive });
    },
    async *values() {
      for (const e of await readdir(path, { withFileTypes: true })) {
        yield e.isDirectory() ? fsDirectoryHandle(join(path, e.name), options, root) : fileHandle(join(path, e.name), e.name, options, root);
      }
    },
  };
  return handle as unknown as FileSystemDirectoryHandle;
}

function fileHandle(path: string, name: string, options: ShimOptions, root: string): FileSystemFileHandle {
  const handle = {
    kind: 'file' as const,
    name,
    async getFile() {
      return new File([await readFile(path)], name);
    },
    async createWritable(o: { keepExistingData?: boolean } = {}) {
      let data: Uint8Array = o.keepExistingData ? new Uint8Array(await readFile(path)) : new Uint8Array(0);
      let at = 0;
      return {
        async write(chunk: Uint8Array | Blob) {
          const bytes = chunk instanceof Blob ? new Uint8Array(await chunk.arrayBuffer()) : chunk;
          const end = at + bytes.length;
          if (options.quota !== undefined && (await folderBytes(root)) + Math.max(0, end - data.length) > options.quota) {
            throw new DOMException('quota exceeded', 'QuotaExceededError');
          }
          if (end > data.length) {
            const grown = new Uint8Array(end);
            grown.set(data);
            data = grown;
          }
          data.set(bytes, at);
          at = end;
        },
        async seek(p: number) { at = p; },
        async truncate(n: number) {
          const next = new Uint8Array(n);
          next.set(data.subarray(0, n));
          data = next;
          at = Math.min(at, n);
        },
        async close() { await writeFile(path, data); },
        async abort() { data = new Uint8Array(0); },
      };
    },
  };
  return handle as unknown as FileSystemFileHandle;
}
