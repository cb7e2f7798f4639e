// PNG writing with text chunks (the graph rides along in an iTXt chunk), and reading those chunks back.
// Works in browsers and Node: deflate comes from CompressionStream.
import type { ImageValue } from './value.ts';

export const GRAPH_CHUNK_KEYWORD = 'latent-loom-graph';

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

export async function encodePng(img: ImageValue, text: Record<string, string> = {}, item = 0): Promise<Uint8Array> {
  const { width, height, channels } = img;
  const colorType = channels === 1 ? 0 : channels === 3 ? 2 : 6;
  const stride = width * channels;
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, colorType, 0, 0, 0], 8);
  const chunks = [chunk('IHDR', header)];
  for (const [keyword, value] of Object.entries(text)) chunks.push(chunk('iTXt', itxt(keyword, value)));
  chunks.push(chunk('IDAT', await deflateRows(img, item, stride)), chunk('IEND', new Uint8Array()));
  return concat([new Uint8Array(SIGNATURE), ...chunks]);
}

/**
 * The image's 8-bit rows, filtered and deflated a band of about 1 MB at a time, so encoding holds the
 * compressed file and one band beside the float image, not two full 8-bit copies of it.
 */
async function deflateRows(img: ImageValue, item: number, stride: number): Promise<Uint8Array> {
  const { height } = img;
  const stream = new CompressionStream('deflate');
  const writer = stream.writable.getWriter();
  const compressed = new Response(stream.readable).arrayBuffer();
  const band = Math.max(1, Math.floor((1 << 20) / stride));
  const base = item * height * stride;
  let above: Uint8Array | undefined;
  for (let y0 = 0; y0 < height; y0 += band) {
    const rows = Math.min(band, height - y0);
    const pixels = new Uint8Array(rows * stride);
    const from = base + y0 * stride;
    for (let i = 0; i < pixels.length; i++) {
      const v = img.data[from + i];
      pixels[i] = Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * 255);
    }
    await writer.write(filterRows(pixels, rows, stride, img.channels, above) as Uint8Array<ArrayBuffer>);
    above = pixels.slice((rows - 1) * stride);
  }
  await writer.close();
  return new Uint8Array(await compressed);
}

/**
 * PNG's adaptive filtering, as libpng chooses by default: each row is filtered with whichever of
 * None, Sub, Up, Average and Paeth gives the smallest sum of absolute values (bytes read as signed).
 * Returns the rows, each led by its filter type byte.
 */
export function filterRows(pixels: Uint8Array, height: number, stride: number, bpp: number, above?: Uint8Array): Uint8Array {
  const out = new Uint8Array(height * (stride + 1));
  const zero = new Uint8Array(stride);
  const candidates = Array.from({ length: 5 }, () => new Uint8Array(stride));
  const cost = (row: Uint8Array) => {
    let sum = 0;
    for (let i = 0; i < row.length; i++) sum += row[i] < 128 ? row[i] : 256 - row[i];
    return sum;
  };
  for (let y = 0; y < height; y++) {
    const cur = pixels.subarray(y * stride, (y + 1) * stride);
    const up = y > 0 ? pixels.subarray((y - 1) * stride, y * stride) : above ?? zero;
    const [none, sub, upF, avg, paeth] = candidates;
    for (let i = 0; i < stride; i++) {
      const x = cur[i];
      const a = i >= bpp ? cur[i - bpp] : 0;
      const b = up[i];
      const c = i >= bpp ? up[i - bpp] : 0;
      none[i] = x;
      sub[i] = x - a;
      upF[i] = x - b;
      avg[i] = x - ((a + b) >> 1);
      const p = a + b - c;
      const pa = Math.abs(p - a);
      const pb = Math.abs(p - b);
      const pc = Math.abs(p - c);
      paeth[i] = x - (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
    }
    let best = 0;
    let bestCost = Infinity;
    candidates.forEach((row, type) => {
      const c = cost(row);
      if (c < bestCost) { best = type; bestCost = c; }
    });
    out[y * (stride + 1)] = best;
    out.set(candidates[best], y * (stride + 1) + 1);
  }
  return out;
}

/** The text chunks (tEXt and uncompressed iTXt) of a PNG file. */
export function readPngText(bytes: Uint8Array): Record<string, string> {
  if (!SIGNATURE.every((b, i) => bytes[i] === b)) throw new Error('not a PNG file');
  const out: Record<string, string> = {};
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  while (at + 8 <= bytes.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    const data = bytes.subarray(at + 8, at + 8 + length);
    if (type === 'tEXt' || type === 'iTXt') {
      const nul = data.indexOf(0);
      const keyword = new TextDecoder('latin1').decode(data.subarray(0, nul));
      if (type === 'tEXt') out[keyword] = new TextDecoder('latin1').decode(data.subarray(nul + 1));
      else if (data[nul + 1] === 0) {
        // compression flag 0, method, language tag \0, translated keyword \0, text
        let p = nul + 3;
        p = data.indexOf(0, p) + 1;
        p = data.indexOf(0, p) + 1;
        out[keyword] = new TextDecoder().decode(data.subarray(p));
      }
    }
    if (type === 'IEND') break;
    at += 12 + length;
  }
  return out;
}

function itxt(keyword: string, value: string): Uint8Array {
  const enc = new TextEncoder();
  return concat([enc.encode(keyword), new Uint8Array([0, 0, 0, 0, 0]), enc.encode(value)]);
}

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

let table: Uint32Array | null = null;
function crc32(data: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c >>> 0;
    }
  }
  let crc = 0xffffffff;
  for (let i = 0; i < data.length; i++) crc = table[(crc ^ data[i]) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function concat(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
