// Model folders on disk (Node): every folder with a manifest.json under the given roots. The one scan
// behind the runtime's store, the CLI and the index the dev server hands the browser.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseManifest, type ModelManifest } from './manifest.ts';

export interface ModelFolder { dir: string; manifest: ModelManifest }

/**
 * Roots in order, folders by name; the first root wins for a repeated id, so a user's root listed
 * before the bundled ones shadows a bundled model of the same id. A manifest that cannot be read is
 * skipped with a warning naming the file, so one bad folder never hides the others.
 */
export async function scanModelFolders(roots: readonly string[], warn: (message: string) => void = console.warn): Promise<ModelFolder[]> {
  const out = new Map<string, ModelFolder>();
  for (const root of roots) {
    const entries = await readdir(root, { withFileTypes: true }).catch(() => []);
    for (const e of entries.filter((d) => d.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      const dir = join(root, e.name);
      const file = join(dir, 'manifest.json');
      const text = await readFile(file, 'utf8').catch(() => null);
      if (text === null) continue;
      let manifest: ModelManifest;
      try {
        manifest = parseManifest(JSON.parse(text), file);
      } catch (err) {
        warn(`${file}: ${(err as Error).message}; skipped`);
        continue;
      }
      if (!out.has(manifest.id)) out.set(manifest.id, { dir, manifest });
    }
  }
  return [...out.values()];
}
