// One tokenizer per model folder, read from its tokenizer/ files once per engine.
import { ClipTokenizer } from '../../src/diffusion/clipTokenizer.ts';
import { fileByRole, type ModelManifest } from '../../src/runtime/manifest.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';

export function tokenizerFor(runtime: Runtime, manifest: ModelManifest): Promise<ClipTokenizer> {
  const vocabFile = fileByRole(manifest, 'tokenizer_vocab');
  const mergesFile = fileByRole(manifest, 'tokenizer_merges');
  const key = `tokenizer:${vocabFile.sha256}:${mergesFile.sha256}`;
  const loaded = runtime.memory as Map<string, Promise<ClipTokenizer>>;
  let tokenizer = loaded.get(key);
  if (!tokenizer) {
    tokenizer = (async () => {
      const text = async (path: string) => new TextDecoder().decode(await runtime.store.readFile(manifest.id, path));
      const optionalJson = async (path: string) => JSON.parse(await text(path)) as Record<string, unknown>;
      const dir = vocabFile.path.includes('/') ? vocabFile.path.slice(0, vocabFile.path.lastIndexOf('/') + 1) : '';
      return ClipTokenizer.fromFiles({
        vocab: await text(vocabFile.path),
        merges: await text(mergesFile.path),
        config: await optionalJson(`${dir}tokenizer_config.json`).catch(() => undefined),
        specialTokens: await optionalJson(`${dir}special_tokens_map.json`).catch(() => undefined),
      });
    })();
    tokenizer.catch(() => loaded.delete(key));
    loaded.set(key, tokenizer);
  }
  return tokenizer;
}
