// The browser model manager's actions: add picked files, download from a URL or the known list, delete.
// Everything lands in OPFS; a download is listed only once its files are whole and recognised.
import type { OpfsModelStore } from '../runtime/opfsStore.ts';
import { download, type DownloadProgress } from './download.ts';
import { filesSource, type Opener, type PickedFile } from './fileSource.ts';
import { idFromName, importModel, type Imported } from './importModel.ts';
import type { KnownModel } from './known.ts';
import { fileNameFromUrl } from './names.ts';
import { opfsSource, opfsTarget } from './opfsDownload.ts';

export interface FileProgress extends DownloadProgress { path: string; file: number; files: number }

export interface DownloadOptions {
  id?: string;
  signal?: AbortSignal;
  onProgress?(p: FileProgress): void;
  /** The file's size when something records it (a graph's `models`): the download may not exceed it. */
  expectedBytes?: number;
}

export class UserModels {
  constructor(readonly store: OpfsModelStore, private readonly open: Opener) {}

  /** Recognises picked files (a folder or one .onnx) and stores them with their manifest. */
  async addFiles(picked: PickedFile[], options: { id?: string } = {}): Promise<Imported> {
    const src = filesSource(picked, this.open);
    const imported = await importModel(src, options);
    const files = new Map<string, Uint8Array>();
    for (const f of imported.manifest.files) files.set(f.path, await src.read(f.path));
    await this.store.add(imported.manifest, files);
    return imported;
  }

  /** One .onnx file from a URL; calling again after an interruption resumes it. */
  async downloadUrl(url: string, options: DownloadOptions = {}): Promise<Imported> {
    const name = fileNameFromUrl(url);
    const id = options.id ?? idFromName(name);
    await this.fetchInto(id, [{ path: name, url, bytes: options.expectedBytes }], options);
    return this.finish(id, name, url);
  }

  /** Every file of a known model that has a URL, then recognised like any other import. */
  async downloadKnown(model: KnownModel, options: DownloadOptions = {}): Promise<Imported> {
    const files = model.files.filter((f): f is typeof f & { url: string } => !!f.url);
    const id = options.id ?? model.id;
    await this.fetchInto(id, files, options);
    return this.finish(id, model.title, model.source);
  }

  delete(id: string): Promise<void> {
    return this.store.delete(id);
  }

  private async fetchInto(id: string, files: { path: string; url: string; bytes?: number }[], options: DownloadOptions) {
    const dir = await this.store.folder(id);
    for (const [i, f] of files.entries()) {
      await download(f.url, opfsTarget(dir, f.path), {
        signal: options.signal, expectedBytes: f.bytes,
        onProgress: (p) => options.onProgress?.({ ...p, path: f.path, file: i + 1, files: files.length }),
      }).catch(async (e) => {
        throw await this.store.storageError(e, `${f.path} of model "${id}"`);
      });
    }
  }

  private async finish(id: string, name: string, source: string): Promise<Imported> {
    const src = await opfsSource(await this.store.folder(id), name, this.open);
    const imported = await importModel(src, { id, source });
    await this.store.commit(imported.manifest);
    return imported;
  }
}
