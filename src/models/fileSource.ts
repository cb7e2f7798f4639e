// Files the user picked or dropped (a folder or single .onnx files) as an ImportSource, and a session
// opener over any onnxruntime module (onnxruntime-web in the browser, onnxruntime-node in tests).
import type * as Ort from 'onnxruntime-common';
import { openSession, type OrtModule } from '../runtime/ort.ts';
import { sha256Hex } from '../runtime/sha256.ts';
import { isExternalData, type ImportSource, type OpenedModel } from './importModel.ts';

/** A picked file with its path inside the picked folder (webkitRelativePath, or built while walking a drop). */
export type PickedFile = File | { file: File; path: string };

export type Opener = (model: Uint8Array, label: string, externalData: { path: string; data: Uint8Array }[]) => Promise<OpenedModel>;

export function filesSource(picked: PickedFile[], open: Opener): ImportSource {
  const entries = picked.map((p) => (p instanceof File ? { file: p, path: p.webkitRelativePath || p.name } : p));
  if (entries.length === 0) throw new Error('no files were given');
  // A picked folder gives "folder/unet/model.onnx": the folder names the model and leaves the paths.
  const first = entries[0].path.split('/')[0];
  const inFolder = entries.every((e) => e.path.includes('/') && e.path.split('/')[0] === first);
  const byPath = new Map(entries.map((e) => [inFolder ? e.path.slice(first.length + 1) : e.path, e.file]));
  const file = (path: string) => {
    const f = byPath.get(path);
    if (!f) throw new Error(`${path} was not among the picked files`);
    return f;
  };
  const name = inFolder ? first : (entries.find((e) => e.path.toLowerCase().endsWith('.onnx'))?.path ?? first);
  const files = [...byPath].map(([path, f]) => ({ path, bytes: f.size }));
  return readerSource(name, files, async (path) => new Uint8Array(await file(path).arrayBuffer()), open);
}

/** An ImportSource over any file reader: hashes once per file, hands a model its external data. */
export function readerSource(name: string, all: { path: string; bytes: number }[], read: (path: string) => Promise<Uint8Array>, open: Opener): ImportSource {
  const files = all.filter((f) => f.path !== 'manifest.json').sort((a, b) => a.path.localeCompare(b.path));
  const hashes = new Map<string, Promise<string>>();
  return {
    name,
    files,
    read,
    // Whole-file hashing: crypto.subtle has no streaming digest.
    sha256: (path) => {
      if (!hashes.has(path)) hashes.set(path, read(path).then(sha256Hex));
      return hashes.get(path)!;
    },
    async open(path) {
      const dir = path.includes('/') ? path.slice(0, path.lastIndexOf('/') + 1) : '';
      // Files beside the model that are not configs: its external data, named as the model refers to them.
      const external = files.map((f) => f.path).filter((p) => p.startsWith(dir) && !p.slice(dir.length).includes('/') && isExternalData(p));
      return open(await read(path), path, await Promise.all(external.map(async (p) => ({ path: p.slice(dir.length), data: await read(p) }))));
    },
  };
}

/** Opens models for inspection with `ort` (CPU/WASM: only metadata and a tiny probe run are needed). */
export function sessionOpener(ort: OrtModule, options: Ort.InferenceSession.SessionOptions = {}): Opener {
  return (model, label, externalData) => openSession(ort, model, label, externalData.length ? { ...options, externalData } : options);
}
