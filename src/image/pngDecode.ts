// A plain PNG decoder (non-interlaced, every colour type and bit depth), exact where a canvas is not:
// canvases premultiply alpha and hold 8 bits. Used in the browser; inflate comes from DecompressionStream.
import { image, type ImageValue } from './value.ts';
import { pngChunks } from './pngChunks.ts';
import type { ImageHeader } from './probe.ts';

const SAMPLES: Record<number, number> = { 0: 1, 2: 3, 3: 1, 4: 2, 6: 4 };

export async function decodePng(bytes: Uint8Array, header: ImageHeader): Promise<ImageValue> {
  const { width: w, height: h, channels } = header;
  const depth = bytes[24];
  const colorType = bytes[25];
  if (bytes[28] !== 0) throw new Error('interlaced PNG: use the environment decoder');
  const idat: Uint8Array[] = [];
  let palette: Uint8Array | null = null;
  let alpha: Uint8Array | null = null;
  for (const { type, data } of pngChunks(bytes)) {
    if (type === 'IDAT') idat.push(data);
    else if (type === 'PLTE') palette = data;
    else if (type === 'tRNS') alpha = data;
  }
  if (idat.length === 0) throw new Error('no image data');
  if (colorType === 3 && !palette) throw new Error('palette image without a palette');
  const samples = SAMPLES[colorType];
  const bpp = Math.max(1, (samples * depth) >> 3);
  const stride = Math.ceil((w * samples * depth) / 8);
  const raw = await inflate(idat);
  if (raw.length < h * (stride + 1)) throw new Error(`image data is cut short (${raw.length} of ${h * (stride + 1)} bytes)`);
  // Rows are unfiltered where they lie, each after its filter byte: no second copy of the pixels.
  unfilter(raw, h, stride, bpp);
  const rows = raw;
  const pitch = stride + 1;

  const out = image(w, h, channels);
  const max = (1 << depth) - 1;
  const sample = (row: number, i: number): number => {
    const r = row * pitch + 1;
    if (depth === 8) return rows[r + i];
    if (depth === 16) return (rows[r + 2 * i] << 8) | rows[r + 2 * i + 1];
    const bit = i * depth;
    return (rows[r + (bit >> 3)] >> (8 - depth - (bit & 7))) & max;
  };
  const d = out.data;
  const k = 1 / max;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let r: number, g: number, b: number, a = 1;
      if (colorType === 3) {
        const i = sample(y, x);
        [r, g, b] = [palette![3 * i] / 255, palette![3 * i + 1] / 255, palette![3 * i + 2] / 255];
        if (alpha && i < alpha.length) a = alpha[i] / 255;
      } else if (samples < 3) {
        r = g = b = sample(y, x * samples) * k;
        if (samples === 2) a = sample(y, x * 2 + 1) * k;
      } else {
        r = sample(y, x * samples) * k;
        g = sample(y, x * samples + 1) * k;
        b = sample(y, x * samples + 2) * k;
        if (samples === 4) a = sample(y, x * 4 + 3) * k;
      }
      const o = (y * w + x) * channels;
      d[o] = r;
      if (channels === 1) continue;
      d[o + 1] = g;
      d[o + 2] = b;
      if (channels === 4) d[o + 3] = a;
    }
  }
  return out;
}

/** Unfilters every row in place: row y of `raw` (after its filter byte) becomes its pixels. */
function unfilter(raw: Uint8Array, h: number, stride: number, bpp: number): void {
  const zero = new Uint8Array(stride);
  for (let y = 0; y < h; y++) {
    const filter = raw[y * (stride + 1)];
    const row = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    const up = y > 0 ? raw.subarray((y - 1) * (stride + 1) + 1, y * (stride + 1)) : zero;
    for (let i = 0; i < stride; i++) {
      const a = i >= bpp ? row[i - bpp] : 0;
      const b = up[i];
      const c = i >= bpp ? up[i - bpp] : 0;
      let p: number;
      if (filter === 0) p = 0;
      else if (filter === 1) p = a;
      else if (filter === 2) p = b;
      else if (filter === 3) p = (a + b) >> 1;
      else if (filter === 4) {
        const pa = Math.abs(b - c), pb = Math.abs(a - c), pc = Math.abs(a + b - 2 * c);
        p = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else throw new Error(`row ${y} has an unknown filter ${filter}`);
      row[i] = (row[i] + p) & 255;
    }
  }
}

async function inflate(parts: Uint8Array[]): Promise<Uint8Array> {
  const stream = new Blob(parts as Uint8Array<ArrayBuffer>[]).stream().pipeThrough(new DecompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
