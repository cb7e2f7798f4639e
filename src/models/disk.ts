// Model folders on disk for the CLI: where the user's models live, and file checks for verify.
// No onnxruntime here, so `run` can import it cheaply.
import { createHash } from 'node:crypto';
import { createReadStream, existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { quote } from '../graph/text.ts';
import { containedPath } from '../runtime/paths.ts';
import type { FileState } from './verify.ts';

/** sha256 of a file without holding it in memory (UNet weights are gigabytes). */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(path).on('error', reject).on('data', (c) => hash.update(c)).on('end', () => resolve(hash.digest('hex')));
  });
}

/** Where `models add` puts models unless told otherwise; LATENT_LOOM_MODELS moves it. */
export function userModelsDir(): string {
  return process.env.LATENT_LOOM_MODELS ?? join(homedir(), '.latent-loom', 'models');
}

/** The user's folder as an extra model root, when it exists. */
export function userModelRoots(): string[] {
  const dir = userModelsDir();
  return existsSync(dir) ? [dir] : [];
}

/** A stored model's file as verify sees it; a manifest path that leaves the folder is refused. */
export function diskFile(dir: string, modelId: string) {
  return async (path: string): Promise<FileState | null> => {
    const full = containedPath(dir, path, `model ${quote(modelId)}`);
    const s = await stat(full).catch(() => null);
    return s?.isFile() ? { bytes: s.size, sha256: () => sha256File(full) } : null;
  };
}
