// Image files (PNG, JPEG, WebP) to IMAGE values. The header is read and checked against the size limits
// first; then the environment's decoder runs: sharp in Node; in the browser our own PNG decoder (exact,
// 16-bit, unpremultiplied) and the browser's for the rest.
import type { ImageValue } from './value.ts';
import { canDecodeInBrowser, decodeInBrowser } from './decodeBrowser.ts';
import { imageSizeProblem } from './limits.ts';
import { decodePng } from './pngDecode.ts';
import { probeImage, type ImageHeader } from './probe.ts';

/** Decodes `bytes`; errors start with `what` (e.g. the file's name) and say what is wrong. */
export async function decodeImage(bytes: Uint8Array, what: string): Promise<ImageValue> {
  let header: ImageHeader;
  try {
    header = probeImage(bytes);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
  const tooBig = imageSizeProblem(header.width, header.height);
  if (tooBig) throw new Error(`${what}: ${header.format.toUpperCase()} image ${tooBig}`);
  try {
    if (!canDecodeInBrowser()) return await decodeInNode(bytes, header);
    return header.format === 'png' && !header.interlaced ? await decodePng(bytes, header) : await decodeInBrowser(bytes, header);
  } catch (e) {
    throw new Error(`${what}: ${header.format.toUpperCase()} image is corrupt or unsupported (${(e as Error).message})`);
  }
}

// A variable specifier keeps bundlers from pulling sharp (native code) into the browser build.
const SHARP = 'sharp';

async function decodeInNode(bytes: Uint8Array, header: ImageHeader): Promise<ImageValue> {
  const [{ default: sharp }, { decodeWithSharp }] = await Promise.all([
    import(/* @vite-ignore */ SHARP) as Promise<typeof import('sharp')>,
    import('./decodeNode.ts'),
  ]);
  return decodeWithSharp(sharp, bytes, header);
}
