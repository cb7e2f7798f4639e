import { describe, expect, it } from 'vitest';
import { hash128, stableJson } from './hash.ts';

describe('cache key hashing', () => {
  it('is stable under key order', () => {
    expect(stableJson({ b: 1, a: { d: 2, c: [1, { z: 1, y: 2 }] } })).toBe('{"a":{"c":[1,{"y":2,"z":1}],"d":2},"b":1}');
  });
  it('sees a change at the very start of a long text', () => {
    const tail = 'x'.repeat(10_000);
    expect(hash128(`a${tail}`)).not.toBe(hash128(`b${tail}`));
  });
  it('gives distinct keys to many near-identical texts', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 20_000; i++) seen.add(hash128(`{"params":{"value":${i}},"type":"test.number","version":1}`));
    expect(seen.size).toBe(20_000);
  });
  it('uses all 128 bits', () => {
    const h = hash128('latent loom');
    expect(h).toMatch(/^[0-9a-f]{32}$/);
    expect(h.match(/.{8}/g)!.every((lane) => lane !== '00000000')).toBe(true);
  });
});
