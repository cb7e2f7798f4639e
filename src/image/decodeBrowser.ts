// Decoding in the browser worker: the browser's own decoders through createImageBitmap and an OffscreenCanvas.
import type { ImageValue } from './value.ts';
import { toImage } from './pixels.ts';
import type { ImageHeader } from './probe.ts';

export function canDecodeInBrowser(): boolean {
  return typeof createImageBitmap === 'function' && typeof OffscreenCanvas === 'function';
}

/**
 * Canvas pixels are 8-bit RGBA whatever the file held; the header says which channels to keep.
 * The canvas stores premultiplied alpha, so colour under near-transparent pixels loses precision.
 */
export async function decodeInBrowser(bytes: Uint8Array, header: ImageHeader): Promise<ImageValue> {
  const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: `image/${header.format}` });
  const bitmap = await createImageBitmap(blob, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  try {
    const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true });
    if (!ctx) throw new Error('no 2D canvas in this browser');
    ctx.drawImage(bitmap, 0, 0);
    const { data } = ctx.getImageData(0, 0, bitmap.width, bitmap.height);
    return toImage(data, bitmap.width, bitmap.height, 4, header.channels);
  } finally {
    bitmap.close();
  }
}
