// A model's external data files (role "<role>_data", e.g. unet/weights.pb beside unet/model.onnx), read
// and checked against the manifest, in the form onnxruntime's `externalData` session option takes.
import { fileByRole, type ModelManifest } from '../runtime/manifest.ts';
import { sha256Hex, type ModelStore } from '../runtime/runtime.ts';

export interface ExternalDataFile { path: string; data: Uint8Array }

export async function externalDataFor(store: ModelStore, manifest: ModelManifest, role: string): Promise<ExternalDataFile[]> {
  const model = fileByRole(manifest, role);
  const dir = model.path.includes('/') ? model.path.slice(0, model.path.lastIndexOf('/') + 1) : '';
  const out: ExternalDataFile[] = [];
  for (const f of manifest.files.filter((x) => x.role === `${role}_data`)) {
    const data = await store.readFile(manifest.id, f.path);
    const actual = await sha256Hex(data);
    if (actual !== f.sha256) {
      throw new Error(`model "${manifest.id}" ${role} data (${f.path}) is corrupt or changed: sha256 ${actual.slice(0, 12)}…, manifest says ${f.sha256.slice(0, 12)}…`);
    }
    // The model names its data file relative to its own folder.
    out.push({ path: f.path.startsWith(dir) ? f.path.slice(dir.length) : f.path, data });
  }
  return out;
}
