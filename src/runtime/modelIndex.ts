// Node-only: the list of model folders served to the browser as /models/index.json.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import type { ModelIndexEntry } from './fetchStore.ts';

export async function buildModelIndex(modelsDir: string, roots: string[]): Promise<ModelIndexEntry[]> {
  const out: ModelIndexEntry[] = [];
  for (const root of roots) {
    const entries = await readdir(join(modelsDir, root), { withFileTypes: true }).catch(() => []);
    for (const e of entries.filter((d) => d.isDirectory()).sort((a, b) => a.name.localeCompare(b.name))) {
      const dir = join(modelsDir, root, e.name);
      const text = await readFile(join(dir, 'manifest.json'), 'utf8').catch(() => null);
      if (text !== null) out.push({ dir: relative(modelsDir, dir), manifest: JSON.parse(text) });
    }
  }
  return out;
}
