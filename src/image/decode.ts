// Image files (PNG, JPEG, WebP) to IMAGE values. The header is read and checked against the size limits
// first; then the environment's decoder runs: sharp in Node; in the browser our own PNG decoder (exact,
// 16-bit, unpremultiplied) and the browser's for the rest.
import type { ImageValue } from './value.ts';
import { canDecodeInBrowser, decodeInBrowser } from './decodeBrowser.ts';
import { MAX_BROWSER_IMAGE_PIXELS, imageSizeProblem } from './limits.ts';
import { roughBytes } from '../runtime/format.ts';
import { decodePng } from './pngDecode.ts';
import { probeImage, type ImageHeader } from './probe.ts';

/**
 * Decodes `bytes`; errors start with `what` (e.g. the file's name) and say what is wrong. An image whose
 * decoding would need more than `budget` bytes (the engine's memory budget) is refused from its header.
 */
export async function decodeImage(bytes: Uint8Array, what: string, budget = Infinity): Promise<ImageValue> {
  let header: ImageHeader;
  try {
    header = probeImage(bytes);
  } catch (e) {
    throw new Error(`${what}: ${(e as Error).message}`);
  }
  const browser = canDecodeInBrowser();
  const ours = browser && header.format === 'png' && !header.interlaced;
  const tooBig = browser
    ? imageSizeProblem(header.width, header.height, 1, MAX_BROWSER_IMAGE_PIXELS)?.concat(' in the browser (the CLI loads larger ones); resize it first')
    : imageSizeProblem(header.width, header.height);
  if (tooBig) throw new Error(`${what}: ${header.format.toUpperCase()} image ${tooBig}`);
  const need = decodeBytes(header, browser ? (ours ? 'png' : 'canvas') : 'sharp');
  if (need > budget) {
    const perPixel = need / (header.width * header.height);
    throw new Error(`${what}: ${header.format.toUpperCase()} image ${header.width}x${header.height} needs about ${roughBytes(need)} to decode, `
      + `over the ${roughBytes(budget)} this engine allows; images up to about ${(budget / perPixel / 1e6).toFixed(1)} megapixels load here; resize it first`);
  }
  try {
    if (!browser) return await decodeInNode(bytes, header);
    return ours ? await decodePng(bytes, header) : await decodeInBrowser(bytes, header);
  } catch (e) {
    throw new Error(`${what}: ${header.format.toUpperCase()} image is corrupt or unsupported (${(e as Error).message})`);
  }
}

/**
 * What decoding holds at its peak: the float image, and the decoder's own pixels beside it (sharp's raw
 * samples; our PNG decoder's inflated rows, unfiltered in place; the browser's bitmap, canvas and
 * ImageData, four bytes a pixel each).
 */
export function decodeBytes(header: ImageHeader, decoder: 'sharp' | 'png' | 'canvas'): number {
  const pixels = header.width * header.height;
  const float = pixels * header.channels * 4;
  const samples = pixels * header.channels * (header.bitDepth === 16 ? 2 : 1);
  if (decoder === 'sharp') return float + samples;
  if (decoder === 'png') return float + samples + header.height;
  return float + 3 * pixels * 4;
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
