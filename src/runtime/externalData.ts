// Reading a model's files from a store, each checked against the sha256 its manifest gives, and its
// external data files (role "<role>_data", e.g. unet/weights.pb beside unet/model.onnx) in the form
// onnxruntime's `externalData` session option takes.
import { fileByRole, type ModelFile, type ModelManifest } from './manifest.ts';
import type { ModelStore } from './runtime.ts';
import { sha256Hex } from './sha256.ts';

export interface ExternalDataFile { path: string; data: Uint8Array }

export async function readVerified(store: ModelStore, manifest: ModelManifest, file: ModelFile, label: string): Promise<Uint8Array> {
  const bytes = await store.readFile(manifest.id, file.path);
  const actual = await sha256Hex(bytes);
  if (actual !== file.sha256) {
    throw new Error(`${label} (${file.path}) is corrupt or changed: sha256 ${actual.slice(0, 12)}…, manifest says ${file.sha256.slice(0, 12)}…`);
  }
  return bytes;
}

export async function externalDataFor(store: ModelStore, manifest: ModelManifest, role: string): Promise<ExternalDataFile[]> {
  const model = fileByRole(manifest, role);
  const dir = model.path.includes('/') ? model.path.slice(0, model.path.lastIndexOf('/') + 1) : '';
  const out: ExternalDataFile[] = [];
  for (const f of manifest.files.filter((x) => x.role === `${role}_data`)) {
    const data = await readVerified(store, manifest, f, `model "${manifest.id}" ${role} data`);
    // The model names its data file relative to its own folder.
    out.push({ path: f.path.startsWith(dir) ? f.path.slice(dir.length) : f.path, data });
  }
  return out;
}
