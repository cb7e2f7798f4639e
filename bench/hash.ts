// The cost of a cache key: SHA-256 (@noble/hashes, src/runtime/sha256.ts) on typical and long key texts, against the
// 4-lane multiply-xorshift mix it replaced. Median, min and max of several runs, microseconds per key.
import { cacheKey, stableJson } from '../src/engine/hash.ts';
import { hash128 } from '../src/runtime/sha256.ts';
import { fmt } from './stats.ts';

/** The previous cache-key hash, for comparison only. */
function legacyHash128(text: string): string {
  const lanes: [number, number][] = [[0x811c9dc5, 0x01000193], [0x9747b28c, 0x5bd1e995], [0x2545f491, 0x9e3779b1], [0x1b873593, 0x85ebca77]];
  return lanes.map(([seed, multiplier]) => {
    let h = (seed ^ text.length) >>> 0;
    for (let i = 0; i < text.length; i++) {
      h = Math.imul(h ^ text.charCodeAt(i), multiplier);
      h ^= h >>> 15;
    }
    h ^= h >>> 16; h = Math.imul(h, 0x85ebca6b); h ^= h >>> 13; h = Math.imul(h, 0xc2b2ae35); h ^= h >>> 16;
    return (h >>> 0).toString(16).padStart(8, '0');
  }).join('');
}

/** Microseconds per call: median, min and max over `runs` runs of `reps` calls. */
function perCall(fn: (i: number) => unknown, reps: number, runs = 9): { median: number; min: number; max: number } {
  for (let i = 0; i < reps; i++) fn(i); // warm-up
  const xs: number[] = [];
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    for (let i = 0; i < reps; i++) fn(i);
    xs.push(((performance.now() - t0) * 1000) / reps);
  }
  xs.sort((a, b) => a - b);
  return { median: xs[Math.floor(xs.length / 2)], min: xs[0], max: xs[xs.length - 1] };
}

export async function benchHash(): Promise<Record<string, number | string>> {
  // A Denoise node's key parts: params and the content keys of five inputs.
  const inputs = Object.fromEntries(['unet', 'positive', 'negative', 'latent', 'schedule'].map((k, j) => [k, hash128(`${k}${j}`)]));
  const parts = (i: number) => ({ type: 'diffusion.denoise', version: 1, params: { cfg: 7.5, start: 0, end: 20 + (i % 7) }, inputs });
  const typical = stableJson(parts(0));
  const long = stableJson({ type: 'core.note', version: 1, params: { text: 'a cat on a mat, '.repeat(640) }, inputs: {} });
  const out: Record<string, number | string> = {
    'hash.typical_key_bytes': typical.length,
    'hash.long_key_bytes': long.length,
  };
  for (const [name, text, reps] of [['typical', typical, 20_000], ['long', long, 500]] as const) {
    const sha = perCall(() => hash128(text), reps);
    const old = perCall(() => legacyHash128(text), reps);
    out[`hash.sha256_${name}_us`] = `${fmt(sha.median, 2)} (min ${fmt(sha.min, 2)}, max ${fmt(sha.max, 2)})`;
    out[`hash.legacy_${name}_us`] = `${fmt(old.median, 2)} (min ${fmt(old.min, 2)}, max ${fmt(old.max, 2)})`;
  }
  const key = perCall((i) => cacheKey(parts(i)), 20_000);
  out['hash.cache_key_with_stable_json_us'] = `${fmt(key.median, 2)} (min ${fmt(key.min, 2)}, max ${fmt(key.max, 2)})`;
  return out;
}
