// Downloads for the CLI: a file on disk as the DownloadTarget, so an interrupted download resumes.
import { mkdir, open, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { DownloadTarget } from './download.ts';

export function fileTarget(path: string): DownloadTarget {
  return {
    size: async () => (await stat(path).catch(() => null))?.size ?? 0,
    async open(offset) {
      await mkdir(dirname(path), { recursive: true });
      const handle = await open(path, offset > 0 ? 'r+' : 'w');
      await handle.truncate(offset);
      let at = offset;
      return {
        async write(chunk) {
          await handle.write(chunk, 0, chunk.length, at);
          at += chunk.length;
        },
        close: () => handle.close(),
      };
    },
  };
}
