// Cache keys: a stable JSON form hashed with SHA-256, kept to 128 bits. A collision would silently
// serve the wrong tensor, so the hash is a standard one from a maintained package, not a home-made mix.
import { hash128 } from '../runtime/sha256.ts';

export function stableJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value) ?? 'null';
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  const keys = Object.keys(value).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
}

export function cacheKey(parts: { type: string; version: number; params: unknown; inputs: Record<string, string>; identity?: string }): string {
  return hash128(stableJson(parts));
}
