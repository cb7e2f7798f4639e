// Browser side of downloads and imports: OPFS files as download targets and as an ImportSource.
import { fileAt } from '../runtime/opfsStore.ts';
import type { DownloadTarget } from './download.ts';
import { readerSource, type Opener } from './fileSource.ts';
import type { ImportSource } from './importModel.ts';

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

/** The files in an OPFS folder (a finished download) as an ImportSource. */
export async function opfsSource(dir: Dir, name: string, open: Opener): Promise<ImportSource> {
  const files: { path: string; bytes: number }[] = [];
  const walk = async (here: Dir, prefix: string) => {
    for await (const h of (here as unknown as { values(): AsyncIterable<FileSystemHandle> }).values()) {
      if (h.kind === 'directory') await walk(h as Dir, `${prefix}${h.name}/`);
      else files.push({ path: `${prefix}${h.name}`, bytes: (await (h as FileSystemFileHandle).getFile()).size });
    }
  };
  await walk(dir, '');
  return readerSource(name, files, async (p) => new Uint8Array(await (await (await fileAt(dir, p)).getFile()).arrayBuffer()), open);
}
