import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { decodeWithSharp } from './decodeNode.ts';
import { decodePng } from './pngDecode.ts';
import { probeImage } from './probe.ts';

const W = 13, H = 7;
const raw = (channels: 1 | 2 | 3 | 4) => sharp(Buffer.from(Array.from({ length: W * H * channels }, (_, i) => (i * 73 + (i >> 3) * 11) & 255)), { raw: { width: W, height: H, channels } });

async function same(file: Buffer) {
  const bytes = new Uint8Array(file);
  const header = probeImage(bytes);
  const ours = await decodePng(bytes, header);
  const theirs = await decodeWithSharp(sharp, bytes, header);
  expect(ours).toMatchObject({ width: theirs.width, height: theirs.height, channels: theirs.channels });
  let max = 0;
  for (let i = 0; i < ours.data.length; i++) max = Math.max(max, Math.abs(ours.data[i] - theirs.data[i]));
  expect(max).toBeLessThan(1e-6);
  return ours;
}

describe('decodePng', () => {
  it('matches sharp on grey, grey+alpha, RGB and RGBA at 8 bits', async () => {
    expect((await same(await raw(1).toColourspace('b-w').png().toBuffer())).channels).toBe(1);
    expect((await same(await raw(2).png().toBuffer())).channels).toBe(4);
    expect((await same(await raw(3).png({ compressionLevel: 9, adaptiveFiltering: true }).toBuffer())).channels).toBe(3);
    expect((await same(await raw(4).png({ adaptiveFiltering: true }).toBuffer())).channels).toBe(4);
  });

  it('matches sharp on 16-bit and on palettes of 1, 2, 4 and 8 bits with transparency', async () => {
    const deep = new Uint16Array(W * H * 3).map((_, i) => (i * 4099) & 0xffff);
    await same(await sharp(deep, { raw: { width: W, height: H, channels: 3 } }).toColourspace('rgb16').png().toBuffer());
    for (const colours of [2, 4, 16, 256]) {
      const file = await raw(4).png({ palette: true, colours, dither: 0 }).toBuffer();
      expect(file[24]).toBe(colours === 2 ? 1 : colours === 4 ? 2 : colours === 16 ? 4 : 8);
      await same(file);
    }
  });

  it('says what is wrong with broken data', async () => {
    const file = new Uint8Array(await raw(3).png().toBuffer());
    const header = probeImage(file);
    const cut = file.slice(0, file.length - 20);
    await expect(decodePng(cut, header)).rejects.toThrow();
    const idat = file.findIndex((_, i) => String.fromCharCode(...file.subarray(i, i + 4)) === 'IDAT');
    const garbled = file.slice();
    garbled.fill(7, idat + 4, idat + 20);
    await expect(decodePng(garbled, header)).rejects.toThrow();
  });
});
