// Cache keys: a stable JSON form hashed to 128 bits. Not cryptographic; model bytes are already sha256.

export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

/** Four lanes, each an invertible per-character step (xor, odd multiply, xorshift) and a final avalanche: 32 hex digits. */
export function hash128(text: string): string {
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

export function cacheKey(parts: { type: string; version: number; params: unknown; inputs: Record<string, string>; identity?: string }): string {
  return hash128(stableJson(parts));
}
