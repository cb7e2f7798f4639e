// Files dropped from a file manager, folders walked, each with its path inside what was dropped.
import type { PickedFile } from '../../models/fileSource.ts';

/** Takes the entries now (a DataTransfer is emptied once its event ends) and reads them after. */
export function droppedFiles(data: DataTransfer): Promise<PickedFile[]> {
  const entries = [...data.items].map((i) => i.webkitGetAsEntry?.() ?? null);
  const plain = [...data.files];
  if (entries.some((e) => e === null)) return Promise.resolve(plain);
  return Promise.all(entries.map((e) => walk(e!, ''))).then((lists) => lists.flat());
}

async function walk(entry: FileSystemEntry, prefix: string): Promise<PickedFile[]> {
  const path = `${prefix}${entry.name}`;
  if (entry.isFile) {
    const file = await new Promise<File>((ok, fail) => (entry as FileSystemFileEntry).file(ok, fail));
    return [{ file, path }];
  }
  const reader = (entry as FileSystemDirectoryEntry).createReader();
  const children: FileSystemEntry[] = [];
  // readEntries gives a batch at a time, and an empty batch at the end.
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((ok, fail) => reader.readEntries(ok, fail));
    if (batch.length === 0) break;
    children.push(...batch);
  }
  return (await Promise.all(children.map((c) => walk(c, `${path}/`)))).flat();
}
