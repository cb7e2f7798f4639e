import { modelHash } from '../../src/runtime/manifest.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';

/** A model param's part of the cache key: the content of the model's files, not its name. An empty param
 *  has none, so the node's own run() gets to say "choose a model". */
export async function modelIdentity(id: string, runtime: Pick<Runtime, 'store'>): Promise<string> {
  if (!id) return '';
  return modelHash(await runtime.store.get(id));
}
