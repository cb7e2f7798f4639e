import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeImage } from './decode.ts';
import { probeImage } from './probe.ts';

const W = 5, H = 3;
const bytes = (n: number, f: (i: number) => number) => Buffer.from(Array.from({ length: n }, (_, i) => f(i) & 255));
const raw = (channels: 1 | 2 | 3 | 4) => sharp(bytes(W * H * channels, (i) => i * 37 + 11), { raw: { width: W, height: H, channels } });
const u8 = (b: Buffer) => new Uint8Array(b);

async function decoded(file: Buffer) {
  return decodeImage(u8(file), 'test');
}

function pngHeader(width: number, height: number): Uint8Array {
  const b = new Uint8Array(33);
  b.set([137, 80, 78, 71, 13, 10, 26, 10, 0, 0, 0, 13, 73, 72, 68, 82]);
  new DataView(b.buffer).setUint32(16, width);
  new DataView(b.buffer).setUint32(20, height);
  b.set([8, 2, 0, 0, 0], 24);
  return b;
}

describe('decodeImage', () => {
  it('keeps grey PNG as one channel with exact values', async () => {
    const img = await decoded(await raw(1).toColourspace('b-w').png().toBuffer());
    expect(img).toMatchObject({ width: W, height: H, channels: 1, batch: 1 });
    expect(Array.from(img.data, (v) => Math.round(v * 255))).toEqual([...bytes(W * H, (i) => i * 37 + 11)]);
  });

  it('keeps alpha as a fourth channel (RGBA, grey+alpha, palette with transparency)', async () => {
    const rgba = await decoded(await raw(4).png().toBuffer());
    expect(rgba.channels).toBe(4);
    expect(Array.from(rgba.data, (v) => Math.round(v * 255))).toEqual([...bytes(W * H * 4, (i) => i * 37 + 11)]);
    const ga = await decoded(await raw(2).png().toBuffer());
    expect(ga.channels).toBe(4);
    expect(Math.round(ga.data[3] * 255)).toBe(48); // alpha of pixel 0: (1 * 37 + 11)
    expect(ga.data[0]).toBe(ga.data[1]);
    const palette = await sharp({ create: { width: 4, height: 4, channels: 4, background: { r: 255, g: 0, b: 0, alpha: 0.5 } } }).png({ palette: true }).toBuffer();
    expect(probeImage(u8(palette)).channels).toBe(4);
    expect((await decoded(palette)).data[3]).toBeCloseTo(0.5, 1);
  });

  it('reads 16-bit PNG at full precision', async () => {
    const samples = new Uint16Array([0, 1000, 65535, 30000, 12345, 7]);
    const file = await sharp(samples, { raw: { width: 3, height: 2, channels: 1 } }).toColourspace('grey16').png().toBuffer();
    const img = await decoded(file);
    expect(img.channels).toBe(1);
    expect(Array.from(img.data)).toEqual(Array.from(samples, (v) => Math.fround(v / 65535)));
  });

  it('decodes JPEG (grey and colour) and WebP (lossy, lossless with alpha)', async () => {
    const greyJpeg = await decoded(await raw(1).toColourspace('b-w').jpeg().toBuffer());
    expect(greyJpeg).toMatchObject({ channels: 1, width: W, height: H });
    expect(await decoded(await raw(3).jpeg().toBuffer())).toMatchObject({ channels: 3, width: W, height: H });
    expect(await decoded(await raw(3).webp().toBuffer())).toMatchObject({ channels: 3, width: W, height: H });
    const lossless = await decoded(await raw(4).webp({ lossless: true }).toBuffer());
    expect(lossless.channels).toBe(4);
    expect(Array.from(lossless.data, (v) => Math.round(v * 255))).toEqual([...bytes(W * H * 4, (i) => i * 37 + 11)]);
  });

  it('applies EXIF orientation like browsers do', async () => {
    const file = await sharp(Buffer.from([0, 0, 0, 255, 255, 255]), { raw: { width: 2, height: 1, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toBuffer();
    const img = await decoded(file);
    expect(img).toMatchObject({ width: 1, height: 2 }); // 90 degrees clockwise: left pixel on top
    expect(img.data[0]).toBeLessThan(0.2);
    expect(img.data[3]).toBeGreaterThan(0.8);
  });

  it('says from the header which files carry EXIF data, whose orientation may swap the sides', async () => {
    const turned = (image: ReturnType<typeof sharp>) => image.withMetadata({ orientation: 6 }).toBuffer();
    for (const file of [await turned(raw(3).jpeg()), await turned(raw(3).webp()), await turned(raw(3).png())]) {
      const header = probeImage(u8(file));
      expect(header, header.format).toMatchObject({ width: W, height: H, exif: true });
      expect(await decoded(file), header.format).toMatchObject({ width: H, height: W });
    }
    for (const file of [await raw(3).jpeg().toBuffer(), await raw(3).webp().toBuffer(), await raw(4).webp({ lossless: true }).toBuffer(), await raw(3).png().toBuffer()]) {
      expect(probeImage(u8(file)).exif, probeImage(u8(file)).format).toBeFalsy();
    }
  });

  it('refuses huge images from the header, before decoding', async () => {
    await expect(decodeImage(pngHeader(100000, 20), 'big.png')).rejects.toThrow('big.png: PNG image 100000x20 is too large: each side must be at most 16384 pixels');
    await expect(decodeImage(pngHeader(10000, 10000), 'big.png')).rejects.toThrow(/10000x10000 \(100\.0 megapixels\) is over the budget/);
  });

  it('names the file and the problem for corrupt or unknown data', async () => {
    const png = await raw(3).png().toBuffer();
    await expect(decodeImage(u8(png.subarray(0, 45)), 'cut.png')).rejects.toThrow(/^cut\.png: PNG image is corrupt or unsupported/);
    await expect(decodeImage(new TextEncoder().encode('hello, not an image'), 'notes.txt')).rejects.toThrow('notes.txt: not a PNG, JPEG or WebP image');
    await expect(decodeImage(u8(png.subarray(0, 20)), 'tiny.png')).rejects.toThrow(/tiny\.png: PNG file is cut short/);
  });
});
