// Browser side of downloads and imports: OPFS files as download targets and as an ImportSource.
import { sha256Hex } from '../runtime/runtime.ts';
import { fileAt } from '../runtime/opfsStore.ts';
import type { DownloadTarget } from './download.ts';
import type { ImportSource, OpenedModel } from './importModel.ts';

type Dir = FileSystemDirectoryHandle;

/**
 * A file under `dir` written as bytes arrive. A writable only lands on disk when closed, so it is
 * closed and reopened every `checkpointBytes`: a closed tab loses at most that much.
 */
export function opfsTarget(dir: Dir, path: string, checkpointBytes = 32_000_000): DownloadTarget {
  return {
    async size() {
      const file = await fileAt(dir, path).catch(() => null);
      return file ? (await file.getFile()).size : 0;
    },
    async open(offset) {
      const handle = await fileAt(dir, path, true);
      let at = offset;
      let since = 0;
      let writable!: FileSystemWritableFileStream;
      const start = async () => {
        writable = await handle.createWritable({ keepExistingData: true });
        await writable.truncate(at);
        await writable.seek(at);
        since = 0;
      };
      await start();
      return {
        async write(chunk) {
          await writable.write(chunk as Uint8Array<ArrayBuffer>);
          at += chunk.length;
          since += chunk.length;
          if (since >= checkpointBytes) {
            await writable.close();
            await start();
          }
        },
        close: () => writable.close(),
      };
    },
  };
}

/** The files in an OPFS folder as an ImportSource; `open` makes a session (onnxruntime-web in the worker). */
export async function opfsSource(dir: Dir, name: string, open: (path: string, read: (p: string) => Promise<Uint8Array>) => Promise<OpenedModel>): Promise<ImportSource> {
  const files: { path: string; bytes: number }[] = [];
  const walk = async (here: Dir, prefix: string) => {
    for await (const h of (here as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
      if (h.kind === 'directory') await walk(h as Dir, `${prefix}${h.name}/`);
      else if (h.name !== 'manifest.json') files.push({ path: `${prefix}${h.name}`, bytes: (await (h as FileSystemFileHandle).getFile()).size });
    }
  };
  await walk(dir, '');
  files.sort((a, b) => a.path.localeCompare(b.path));
  const read = async (p: string) => new Uint8Array(await (await (await fileAt(dir, p)).getFile()).arrayBuffer());
  // Whole-file hashing: crypto.subtle has no streaming digest; fine for the sizes a browser holds.
  return { name, files, read, sha256: async (p) => sha256Hex(await read(p)), open: (p) => open(p, read) };
}
