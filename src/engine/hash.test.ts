import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hash128 } from '../runtime/sha256.ts';
import { cacheKey, stableJson } from './hash.ts';

const nodeSha256 = (data: string) => createHash('sha256').update(data).digest('hex');

describe('cache key hashing', () => {
  it('is stable under key order', () => {
    expect(stableJson({ b: 1, a: { d: 2, c: [1, { z: 1, y: 2 }] } })).toBe('{"a":{"c":[1,{"y":2,"z":1}],"d":2},"b":1}');
  });
  it("keys are the first 128 bits of the text's SHA-256, as node:crypto computes it, unicode included", () => {
    for (const text of ['', 'latent loom', '{"text":"ünïcødé ✓ 🧶 猫"}', 'x'.repeat(1000)]) {
      expect(hash128(text)).toBe(nodeSha256(text).slice(0, 32));
    }
    const parts = { type: 't', version: 1, params: { a: 1 }, inputs: {} };
    expect(cacheKey(parts)).toBe(nodeSha256(stableJson(parts)).slice(0, 32));
  });
  it('sees a change at the very start of a long text', () => {
    const tail = 'x'.repeat(10_000);
    expect(hash128(`a${tail}`)).not.toBe(hash128(`b${tail}`));
  });
});
