// Checks a stored model's files against its manifest: size first (cheap), then sha256.
import type { ModelManifest } from '../runtime/manifest.ts';

export interface FileState { bytes: number; sha256(): Promise<string> }

/** The first file that is missing or differs, as a message naming it; null when all match. */
export async function verifyModel(
  manifest: ModelManifest, look: (path: string) => Promise<FileState | null>,
): Promise<string | null> {
  for (const f of manifest.files) {
    const state = await look(f.path);
    if (!state) return `${manifest.id}: ${f.path} is missing`;
    if (state.bytes !== f.bytes) return `${manifest.id}: ${f.path} is ${state.bytes} bytes, the manifest says ${f.bytes}`;
    const sha = await state.sha256();
    if (sha !== f.sha256) return `${manifest.id}: ${f.path} differs: sha256 ${sha}, the manifest says ${f.sha256}`;
  }
  return null;
}
