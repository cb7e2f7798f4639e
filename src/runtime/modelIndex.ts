// Node-only: the list of model folders served to the browser as /models/index.json.
import { join, relative } from 'node:path';
import type { ModelIndexEntry } from './fetchStore.ts';
import { scanModelFolders } from './modelFolders.ts';

export async function buildModelIndex(modelsDir: string, roots: string[]): Promise<ModelIndexEntry[]> {
  const found = await scanModelFolders(roots.map((r) => join(modelsDir, r)));
  return found.map((f) => ({ dir: relative(modelsDir, f.dir), manifest: f.manifest }));
}
