import type { Catalog, NodeSchema } from '../graph/catalog.ts';
import { readFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { image } from './value.ts';
import type { GraphDoc } from '../graph/types.ts';
import { encodePng, filterRows, GRAPH_CHUNK_KEYWORD, readPngText } from './png.ts';
import { savedImages } from './save.ts';

function ramp(channels: 1 | 3 | 4, batch = 1) {
  const img = image(7, 5, channels, undefined, batch);
  for (let i = 0; i < img.data.length; i++) img.data[i] = ((i * 13) % 256) / 255;
  return img;
}

describe('encodePng', () => {
  it('decodes back through sharp to the same 8-bit pixels, grey, RGB and RGBA', async () => {
    for (const channels of [1, 3, 4] as const) {
      const img = ramp(channels);
      const { data, info } = await sharp(await encodePng(img)).raw().toBuffer({ resolveWithObject: true });
      expect(info).toMatchObject({ width: 7, height: 5 });
      const meta = await sharp(await encodePng(img)).metadata();
      expect(meta.channels).toBe(channels);
      // sharp expands grey to RGB on raw output: compare the first channel
      const got = Array.from({ length: 35 * channels }, (_, i) => channels === 1 ? data[i * info.channels] : data[i]);
      expect(got).toEqual(Array.from(img.data, (v) => Math.round(v * 255)));
    }
  });

  it('writes the chosen batch item', async () => {
    const img = ramp(3, 2);
    const { data } = await sharp(await encodePng(img, {}, 1)).raw().toBuffer({ resolveWithObject: true });
    expect(data[0]).toBe(Math.round(img.data[105] * 255));
  });

  it('round-trips text chunks, unicode included', async () => {
    const text = { [GRAPH_CHUNK_KEYWORD]: '{"nodes":["ünïcødé ✓"]}', other: 'plain' };
    const png = await encodePng(ramp(3), text);
    expect(readPngText(png)).toEqual(text);
    expect((await sharp(png).metadata()).width).toBe(7);
  });
});

describe('adaptive row filters', () => {
  it('choose per row among None, Sub, Up, Average and Paeth, and the filtered bytes undo to the pixels', () => {
    // A flat row (Sub wins), a repeat of it (Up wins), a vertical ramp (Up or Paeth), random noise (None).
    const w = 8;
    const bpp = 3;
    const rows = [
      Array.from({ length: w * bpp }, (_, i) => 10 + Math.floor(i / bpp) * 5),
      Array.from({ length: w * bpp }, (_, i) => 10 + Math.floor(i / bpp) * 5),
      Array.from({ length: w * bpp }, (_, i) => 200 - Math.floor(i / bpp) * 3),
      Array.from({ length: w * bpp }, (_, i) => (i * 97 + 13) % 251),
    ];
    const pixels = Uint8Array.from(rows.flat());
    const stride = w * bpp;
    const out = filterRows(pixels, rows.length, stride, bpp);
    const types = [0, 1, 2, 3].map((y) => out[y * (stride + 1)]);
    expect(types.slice(0, 2)).toEqual([1, 2]);
    // Each chosen filter has the smallest sum of |signed byte| of the five (the first such, like libpng).
    for (let y = 0; y < rows.length; y++) {
      const costs = [0, 1, 2, 3, 4].map((type) => {
        let sum = 0;
        for (let i = 0; i < stride; i++) {
          const x = pixels[y * stride + i];
          const a = i >= bpp ? pixels[y * stride + i - bpp] : 0;
          const b = y > 0 ? pixels[(y - 1) * stride + i] : 0;
          const c = y > 0 && i >= bpp ? pixels[(y - 1) * stride + i - bpp] : 0;
          const p = a + b - c;
          const paeth = Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c;
          const v = (x - [0, a, b, (a + b) >> 1, paeth][type]) & 255;
          sum += v < 128 ? v : 256 - v;
        }
        return sum;
      });
      expect(types[y], `row ${y} costs ${costs}`).toBe(costs.indexOf(Math.min(...costs)));
    }
    // Undo the filters as a decoder does and get the pixels back.
    const back = new Uint8Array(pixels.length);
    for (let y = 0; y < rows.length; y++) {
      const type = out[y * (stride + 1)];
      for (let i = 0; i < stride; i++) {
        const f = out[y * (stride + 1) + 1 + i];
        const a = i >= bpp ? back[y * stride + i - bpp] : 0;
        const b = y > 0 ? back[(y - 1) * stride + i] : 0;
        const c = y > 0 && i >= bpp ? back[(y - 1) * stride + i - bpp] : 0;
        const p = a + b - c;
        const pred = [0, a, b, (a + b) >> 1, Math.abs(p - a) <= Math.abs(p - b) && Math.abs(p - a) <= Math.abs(p - c) ? a : Math.abs(p - b) <= Math.abs(p - c) ? b : c][type];
        back[y * stride + i] = (f + pred) & 255;
      }
    }
    expect(Array.from(back)).toEqual(Array.from(pixels));
  });

  it('make a real image smaller than unfiltered rows, with identical pixels through sharp', async () => {
    const file = new URL('../../models/bundle/loom-emoji-sd/samples.png', import.meta.url);
    const { data, info } = await sharp(readFileSync(file)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
    const img = image(info.width, info.height, 3, Float32Array.from(data, (v) => v / 255));
    const png = await encodePng(img, { [GRAPH_CHUNK_KEYWORD]: '{"nodes":[]}' });
    const back = await sharp(png).raw().toBuffer();
    expect(Buffer.compare(back, data)).toBe(0);
    expect(readPngText(png)[GRAPH_CHUNK_KEYWORD]).toBe('{"nodes":[]}');
    // The same pixels with every row unfiltered (filter byte 0), deflated at zlib's default level.
    const stride = info.width * 3;
    const unfiltered = new Uint8Array(info.height * (stride + 1));
    for (let y = 0; y < info.height; y++) unfiltered.set(data.subarray(y * stride, (y + 1) * stride), y * (stride + 1) + 1);
    const unfilteredIdat = deflateSync(unfiltered).length;
    console.log(`samples.png ${info.width}x${info.height}: file ${png.length} bytes; unfiltered IDAT alone ${unfilteredIdat} bytes`);
    expect(png.length).toBeLessThan(unfilteredIdat * 0.85);
  });
});

describe('savedImages', () => {
  it('makes one PNG per batch item of each Save Image node, with the graph inside', async () => {
    const doc: GraphDoc = {
      format: 'latent-loom/graph', version: 1, edges: [],
      nodes: [
        { id: 's1', type: 'image.save', version: 1, position: { x: 0, y: 0 }, params: { filename: 'cats/../x' } },
        { id: 's2', type: 'image.save', version: 1, position: { x: 0, y: 0 }, params: { filename: 'pair' } },
        { id: 'p', type: 'image.output', version: 1, position: { x: 0, y: 0 }, params: {} },
      ],
    };
    const saving: NodeSchema = {
      type: 'image.save', version: 1, title: 'Save Image', category: 'Image', inputs: {}, outputs: {},
      params: { filename: { kind: 'string', default: 'loom' } }, saves: { filenameParam: 'filename' },
    };
    const catalog: Catalog = { get: (type) => (type === 'image.save' ? saving : { ...saving, type, saves: undefined }) };
    const files = await savedImages(doc, { s1: { image: ramp(3) }, s2: { image: ramp(4, 2) }, p: { image: ramp(3) } }, catalog);
    expect(files.map((f) => [f.nodeId, f.filename])).toEqual([['s1', 'cats_._x.png'], ['s2', 'pair-1.png'], ['s2', 'pair-2.png']]);
    for (const f of files) expect(JSON.parse(readPngText(f.bytes)[GRAPH_CHUNK_KEYWORD])).toEqual(doc);
  });
});
