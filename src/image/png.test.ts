import type { Catalog, NodeSchema } from '../graph/catalog.ts';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { image } from './value.ts';
import type { GraphDoc } from '../graph/types.ts';
import { encodePng, GRAPH_CHUNK_KEYWORD, readPngText } from './png.ts';
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
    expect(files.map((f) => [f.nodeId, f.filename])).toEqual([['s1', 'cats_.._x.png'], ['s2', 'pair-1.png'], ['s2', 'pair-2.png']]);
    for (const f of files) expect(JSON.parse(readPngText(f.bytes)[GRAPH_CHUNK_KEYWORD])).toEqual(doc);
  });
});
