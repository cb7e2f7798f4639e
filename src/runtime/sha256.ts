// SHA-256 two ways: WebCrypto for file bytes (native, async; the same in the browser, the worker and
// Node), and @noble/hashes for short texts that must hash synchronously, such as cache keys.
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex, utf8ToBytes } from '@noble/hashes/utils.js';

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}

/** The first 128 bits of the SHA-256 of the text's UTF-8 bytes: 32 hex digits. */
export function hash128(text: string): string {
  return bytesToHex(sha256(utf8ToBytes(text)).subarray(0, 16));
}
