// Decoding in Node (CLI, tests) with sharp. Loaded only outside the browser, by decode.ts.
import type { ImageValue } from './value.ts';
import { MAX_IMAGE_PIXELS } from './limits.ts';
import { toImage } from './pixels.ts';
import type { ImageHeader } from './probe.ts';

type Sharp = typeof import('sharp').default;

export async function decodeWithSharp(sharp: Sharp, bytes: Uint8Array, header: ImageHeader): Promise<ImageValue> {
  const deep = header.bitDepth === 16;
  const grey = header.channels === 1;
  // Browsers apply EXIF orientation when decoding; do the same so both give the same pixels.
  let pipeline = sharp(bytes, { limitInputPixels: MAX_IMAGE_PIXELS, failOn: 'error', autoOrient: true })
    .toColourspace(grey ? (deep ? 'grey16' : 'b-w') : deep ? 'rgb16' : 'srgb');
  if (header.channels === 4) pipeline = pipeline.ensureAlpha();
  else pipeline = pipeline.removeAlpha();
  const { data, info } = await pipeline.raw({ depth: deep ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
  const samples = deep ? new Uint16Array(data.buffer, data.byteOffset, data.byteLength / 2) : data;
  return toImage(samples, info.width, info.height, info.channels, header.channels, deep ? 65535 : 255);
}
