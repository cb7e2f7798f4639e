import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { toImage } from '../../src/image/pixels.ts';
import { putUpload, readLocalFile } from '../../src/image/source.ts';
import { executor, failure, graph, outputImage, run } from '../../test/runGraph.ts';

const dir = mkdtempSync(join(tmpdir(), 'loom-load-'));
const rgba = Buffer.from(Array.from({ length: 4 * 3 * 4 }, (_, i) => (i * 29) & 255));
const pngFile = () => sharp(rgba, { raw: { width: 4, height: 3, channels: 4 } }).png().toBuffer();
const load = (image: string) => graph([{ id: 'load', type: 'image.load', params: { image } }, { id: 'out', type: 'image.output' }], [['load', 'image', 'out', 'image']]);

describe('image.load', () => {
  it('loads a file path, a data URL and an upload to the same pixels', async () => {
    const bytes = await pngFile();
    const path = join(dir, 'a.png');
    writeFileSync(path, bytes);
    const ex = executor();
    const byPath = outputImage(await run(ex, load(path)), 'out');
    expect(byPath).toMatchObject({ width: 4, height: 3, channels: 4 });
    expect(Array.from(byPath.data, (v) => Math.round(v * 255))).toEqual([...rgba]);
    const byData = outputImage(await run(ex, load(`data:image/png;base64,${bytes.toString('base64')}`)), 'out');
    const ref = await putUpload(new Uint8Array(bytes), 'my picture.png');
    expect(ref).toMatch(/^upload:[0-9a-f]{64}\/my picture\.png$/);
    const byUpload = outputImage(await run(ex, load(ref)), 'out');
    expect(byData.data).toEqual(byPath.data);
    expect(byUpload.data).toEqual(byPath.data);
  });

  it('re-runs when the file at the path changes', async () => {
    const path = join(dir, 'b.png');
    writeFileSync(path, await pngFile());
    const ex = executor();
    await run(ex, load(path));
    writeFileSync(path, await sharp({ create: { width: 2, height: 2, channels: 3, background: '#fff' } }).png().toBuffer());
    const again = await run(ex, load(path));
    expect(again.nodes.load).toMatchObject({ state: 'done', cached: false });
    expect(outputImage(again, 'out')).toMatchObject({ width: 2, channels: 3 });
  });

  it('names the node and the field for missing, corrupt and oversized files', async () => {
    const ex = executor();
    const missing = await run(ex, load(join(dir, 'nope.png')));
    expect(failure(missing, 'load')).toBe(`Load Image ("load"): param "image": file "${join(dir, 'nope.png')}" does not exist`);
    const cut = join(dir, 'cut.png');
    writeFileSync(cut, (await pngFile()).subarray(0, 50));
    expect(failure(await run(ex, load(cut)), 'load')).toMatch(/^Load Image \("load"\): param "image": file ".*cut\.png": PNG image is corrupt or unsupported/);
    const text = join(dir, 'notes.png');
    writeFileSync(text, 'just some text');
    expect(failure(await run(ex, load(text)), 'load')).toMatch(/param "image": file ".*notes\.png": not a PNG, JPEG or WebP image$/);
    const huge = Buffer.from(await pngFile());
    huge.writeUInt32BE(20000, 16); // IHDR width
    const big = join(dir, 'big.png');
    writeFileSync(big, huge);
    expect(failure(await run(ex, load(big)), 'load')).toMatch(/param "image": file ".*big\.png": PNG image 20000x3 is too large/);
    expect(failure(await run(ex, load('')), 'load')).toMatch(/param "image": choose an image file/);
    expect(failure(await run(ex, load('upload:123')), 'load')).toMatch(/^Load Image \("load"\): param "image": "upload:123" is not an upload reference/);
    expect(failure(await run(ex, load(`upload:${'a'.repeat(64)}/gone.png`)), 'load')).toMatch(/param "image": uploaded file "gone.png" is not stored here any more/);
  });

  it('refuses a pipe and a device quickly, when keying the cache and when running', async () => {
    const fifo = join(dir, 'pipe.png');
    execFileSync('mkfifo', [fifo]);
    const ex = executor();
    const started = performance.now();
    // A FIFO with no writer: opening it for reading would wait forever.
    expect(failure(await run(ex, load(fifo)), 'load')).toBe(`Load Image ("load"): param "image": file "${fifo}" is not a regular file (a pipe); give the path of an ordinary file`);
    // /dev/zero never ends.
    expect(failure(await run(ex, load('/dev/zero')), 'load')).toBe('Load Image ("load"): param "image": file "/dev/zero" is not a regular file (a device); give the path of an ordinary file');
    expect(failure(await run(ex, load(dir)), 'load')).toMatch(/is not a regular file \(a folder\)/);
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 20_000);

  it('refuses a file over the size limit, saying what the limit is', async () => {
    const path = join(dir, 'large.bin');
    writeFileSync(path, new Uint8Array(1000));
    await expect(readLocalFile(path, 100, 'file')).rejects.toThrow(`file "${path}" is 1000 bytes, over the limit of 100 bytes`);
    expect((await readLocalFile(path, 1000, 'file')).length).toBe(1000);
  });

  it('keeps the channels the browser decoder must reduce RGBA canvas pixels to', () => {
    const px = new Uint8ClampedArray([255, 0, 0, 128, 10, 20, 30, 255]);
    expect(Array.from(toImage(px, 2, 1, 4, 1).data, (v) => Math.round(v * 255))).toEqual([255, 10]);
    expect(Array.from(toImage(px, 2, 1, 4, 3).data, (v) => Math.round(v * 255))).toEqual([255, 0, 0, 10, 20, 30]);
    expect(Array.from(toImage(px, 2, 1, 4, 4).data, (v) => Math.round(v * 255))).toEqual([...px]);
  });
});
