import { createHash, randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { hash128, sha256, sha256Hex, stableJson } from './hash.ts';

const nodeSha256 = (data: Uint8Array | string) => createHash('sha256').update(data).digest('hex');

describe('cache key hashing', () => {
  it('is stable under key order', () => {
    expect(stableJson({ b: 1, a: { d: 2, c: [1, { z: 1, y: 2 }] } })).toBe('{"a":{"c":[1,{"y":2,"z":1}],"d":2},"b":1}');
  });
  it('is SHA-256: the FIPS 180-4 examples', () => {
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    expect(sha256Hex('')).toBe('e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    expect(sha256Hex('abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq'))
      .toBe('248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1');
    expect(sha256Hex('a'.repeat(1_000_000))).toBe('cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0');
  });
  it("equals node:crypto's SHA-256 on every length around the block boundaries and on unicode", () => {
    for (let n = 0; n < 300; n++) {
      const bytes = new Uint8Array(randomBytes(n));
      expect(Buffer.from(sha256(bytes)).toString('hex'), `length ${n}`).toBe(nodeSha256(bytes));
    }
    const text = '{"text":"ünïcødé ✓ 🧶 猫"}';
    expect(sha256Hex(text)).toBe(nodeSha256(text));
  });
  it('keys are the first 128 bits of the SHA-256 of the text', () => {
    const h = hash128('latent loom');
    expect(h).toMatch(/^[0-9a-f]{32}$/);
    expect(h).toBe(nodeSha256('latent loom').slice(0, 32));
  });
  it('sees a change at the very start of a long text', () => {
    const tail = 'x'.repeat(10_000);
    expect(hash128(`a${tail}`)).not.toBe(hash128(`b${tail}`));
  });
});
