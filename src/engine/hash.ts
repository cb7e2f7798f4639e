// Cache keys: a stable JSON form hashed with SHA-256 (FIPS 180-4), kept to 128 bits. A collision
// would silently serve the wrong tensor, so the hash is a standard one, not a home-made mix.
// Synchronous and pure JS: WebCrypto's digest is async and node:crypto is missing in the browser.

export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

const K = new Uint32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const W = new Uint32Array(64);
const H = new Uint32Array(8);
const encoder = new TextEncoder();
let scratch = new Uint8Array(1024);

/** Hashes `length` message bytes at the start of `buf`, which has room for the padding; result in H. */
function digest(buf: Uint8Array, length: number): void {
  const total = Math.ceil((length + 9) / 64) * 64;
  buf.fill(0, length, total);
  buf[length] = 0x80;
  const bits = length * 8;
  const hi = Math.floor(bits / 2 ** 32);
  buf[total - 8] = hi >>> 24; buf[total - 7] = hi >>> 16; buf[total - 6] = hi >>> 8; buf[total - 5] = hi;
  buf[total - 4] = bits >>> 24; buf[total - 3] = bits >>> 16; buf[total - 2] = bits >>> 8; buf[total - 1] = bits;
  let h0 = 0x6a09e667, h1 = 0xbb67ae85 | 0, h2 = 0x3c6ef372, h3 = 0xa54ff53a | 0;
  let h4 = 0x510e527f, h5 = 0x9b05688c | 0, h6 = 0x1f83d9ab, h7 = 0x5be0cd19;
  for (let block = 0; block < total; block += 64) {
    for (let t = 0, p = block; t < 16; t++, p += 4) W[t] = (buf[p] << 24) | (buf[p + 1] << 16) | (buf[p + 2] << 8) | buf[p + 3];
    for (let t = 16; t < 64; t++) {
      const a = W[t - 15], b = W[t - 2];
      const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
      const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
      W[t] = (W[t - 16] + s0 + W[t - 7] + s1) | 0;
    }
    let a = h0, b = h1, c = h2, d = h3, e = h4, f = h5, g = h6, h = h7;
    for (let t = 0; t < 64; t++) {
      const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
      const ch = (e & f) ^ (~e & g);
      const t1 = (h + S1 + ch + K[t] + W[t]) | 0;
      const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
      const maj = (a & b) ^ (a & c) ^ (b & c);
      const t2 = (S0 + maj) | 0;
      h = g; g = f; f = e; e = (d + t1) | 0;
      d = c; c = b; b = a; a = (t1 + t2) | 0;
    }
    h0 = (h0 + a) | 0; h1 = (h1 + b) | 0; h2 = (h2 + c) | 0; h3 = (h3 + d) | 0;
    h4 = (h4 + e) | 0; h5 = (h5 + f) | 0; h6 = (h6 + g) | 0; h7 = (h7 + h) | 0;
  }
  H[0] = h0; H[1] = h1; H[2] = h2; H[3] = h3; H[4] = h4; H[5] = h5; H[6] = h6; H[7] = h7;
}

/** SHA-256 of bytes, as 32 bytes. */
export function sha256(data: Uint8Array): Uint8Array {
  const buf = new Uint8Array(Math.ceil((data.length + 9) / 64) * 64);
  buf.set(data);
  digest(buf, data.length);
  const out = new Uint8Array(32);
  for (let i = 0; i < 8; i++) {
    out[i * 4] = H[i] >>> 24; out[i * 4 + 1] = H[i] >>> 16; out[i * 4 + 2] = H[i] >>> 8; out[i * 4 + 3] = H[i];
  }
  return out;
}

/** SHA-256 of the text's UTF-8 bytes, as hex digits (`words` 32-bit words of it). */
function textDigest(text: string, words: number): string {
  // UTF-8 takes at most 3 bytes per UTF-16 unit; 72 more bytes hold the padding.
  const need = text.length * 3 + 72;
  if (scratch.length < need) scratch = new Uint8Array(2 ** Math.ceil(Math.log2(need)));
  const { written } = encoder.encodeInto(text, scratch);
  digest(scratch, written);
  let s = '';
  for (let i = 0; i < words; i++) s += H[i].toString(16).padStart(8, '0');
  return s;
}

/** SHA-256 of the text's UTF-8 bytes, 64 hex digits. */
export function sha256Hex(text: string): string {
  return textDigest(text, 8);
}

/** The first 128 bits of SHA-256 of the text's UTF-8 bytes: 32 hex digits. */
export function hash128(text: string): string {
  return textDigest(text, 4);
}

export function cacheKey(parts: { type: string; version: number; params: unknown; inputs: Record<string, string>; identity?: string }): string {
  return hash128(stableJson(parts));
}
