// Reads format, size and channel layout from an image file's header alone, so oversized files are
// refused before anything is decoded and the browser decoder knows which channels to keep.
import { pngChunks } from './pngChunks.ts';

export type ImageFormat = 'png' | 'jpeg' | 'webp';

export interface ImageHeader {
  format: ImageFormat;
  width: number;
  height: number;
  /** Channels of the IMAGE it becomes: grey 1, colour 3, anything with alpha 4. */
  channels: 1 | 3 | 4;
  /** Bits per sample where the format says (16-bit PNG). */
  bitDepth: number;
  /** Adam7 PNG. */
  interlaced?: boolean;
  /** Carries EXIF data, whose orientation decoders apply (as browsers do): width and height may swap. */
  exif?: boolean;
}

/** The header of a PNG, JPEG or WebP file; throws a plain reason when it is none of those or is cut short. */
export function probeImage(bytes: Uint8Array): ImageHeader {
  if (bytes.length >= 8 && bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47) return probePng(bytes);
  if (bytes.length >= 3 && bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return probeJpeg(bytes);
  if (bytes.length >= 12 && ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 4) === 'WEBP') return probeWebp(bytes);
  throw new Error('not a PNG, JPEG or WebP image');
}

function probePng(b: Uint8Array): ImageHeader {
  const v = view(b);
  if (b.length < 33 || ascii(b, 12, 4) !== 'IHDR') throw new Error('PNG file is cut short or has no IHDR header');
  const width = v.getUint32(16);
  const height = v.getUint32(20);
  const bitDepth = b[24];
  const colorType = b[25];
  let channels: 1 | 3 | 4;
  if (colorType === 0) channels = 1;
  else if (colorType === 2) channels = 3;
  else if (colorType === 4 || colorType === 6) channels = 4;
  else if (colorType === 3) channels = hasPngChunk(b, 'tRNS') ? 4 : 3;
  else throw new Error(`PNG has an unknown colour type ${colorType}`);
  return { format: 'png', width, height, channels, bitDepth, interlaced: b[28] !== 0, exif: hasPngChunk(b, 'eXIf', true) };
}

/** Palette transparency comes in a tRNS chunk before the first IDAT; EXIF may come after it (`anywhere`). */
function hasPngChunk(b: Uint8Array, type: string, anywhere = false): boolean {
  try {
    for (const chunk of pngChunks(b)) {
      if (chunk.type === type) return true;
      if (chunk.type === 'IDAT' && !anywhere) return false;
    }
  } catch {
    // A chunk cut short before the one looked for: the decoder names the damage.
  }
  return false;
}

function probeJpeg(b: Uint8Array): ImageHeader {
  const v = view(b);
  let at = 2;
  let exif = false;
  while (at + 4 <= b.length) {
    if (b[at] !== 0xff) throw new Error('JPEG file is corrupt (bad marker)');
    const marker = b[at + 1];
    if (marker === 0xff) { at++; continue; } // fill byte
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) { at += 2; continue; }
    const length = v.getUint16(at + 2);
    // SOF0..SOF15 carry the frame size; C4 (DHT), C8 (JPG) and CC (DAC) are not frames.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      if (at + 10 > b.length) break;
      const height = v.getUint16(at + 5);
      const width = v.getUint16(at + 7);
      const components = b[at + 9];
      return { format: 'jpeg', width, height, channels: components === 1 ? 1 : 3, bitDepth: b[at + 4], exif };
    }
    if (marker === 0xe1 && ascii(b, at + 4, 4) === 'Exif') exif = true; // APP1, before the frame
    if (marker === 0xda || marker === 0xd9) break;
    at += 2 + length;
  }
  throw new Error('JPEG file is cut short or has no frame header');
}

function probeWebp(b: Uint8Array): ImageHeader {
  if (b.length < 30) throw new Error('WebP file is cut short');
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8X') {
    const alpha = (b[20] & 0x10) !== 0;
    const width = 1 + (b[24] | (b[25] << 8) | (b[26] << 16));
    const height = 1 + (b[27] | (b[28] << 8) | (b[29] << 16));
    return { format: 'webp', width, height, channels: alpha ? 4 : 3, bitDepth: 8, exif: (b[20] & 0x08) !== 0 };
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) throw new Error('WebP (lossless) file is corrupt (bad signature)');
    const bits = (b[21] | (b[22] << 8) | (b[23] << 16) | (b[24] << 24)) >>> 0;
    const width = 1 + (bits & 0x3fff);
    const height = 1 + ((bits >>> 14) & 0x3fff);
    const alpha = ((bits >>> 28) & 1) === 1;
    return { format: 'webp', width, height, channels: alpha ? 4 : 3, bitDepth: 8 };
  }
  if (chunk === 'VP8 ') {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) throw new Error('WebP (lossy) file is corrupt (bad start code)');
    const v = view(b);
    return { format: 'webp', width: v.getUint16(26, true) & 0x3fff, height: v.getUint16(28, true) & 0x3fff, channels: 3, bitDepth: 8 };
  }
  throw new Error(`WebP file has an unknown first chunk "${chunk}"`);
}

function view(b: Uint8Array): DataView {
  return new DataView(b.buffer, b.byteOffset, b.byteLength);
}

function ascii(b: Uint8Array, at: number, n: number): string {
  return String.fromCharCode(...b.subarray(at, at + n));
}
