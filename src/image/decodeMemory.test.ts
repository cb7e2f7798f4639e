// Decoding and encoding a large image stay within a memory budget: refused from the header when over the
// engine's budget (with the largest size that loads), and otherwise without extra full copies, checked in
// a child process under a cap on its private memory.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { decodeImage } from './decode.ts';

const MiB = 1024 ** 2;
const dir = mkdtempSync(join(tmpdir(), 'loom-decode-'));
const big = join(dir, 'big.png');

function child(argv: string[], env: Record<string, string> = {}): Promise<{ code: number | null; signal: string | null; output: string }> {
  return new Promise((ok) => {
    execFile(argv[0], argv.slice(1), { timeout: 120_000, env: { ...process.env, ...env } }, (e, stdout, stderr) =>
      ok({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, output: stdout + stderr }));
  });
}

beforeAll(async () => {
  // 8192x8192 of one colour: a file under 1 MB that decodes to 805 MB of floats.
  await sharp({ create: { width: 8192, height: 8192, channels: 3, background: { r: 200, g: 30, b: 60 } } }).png().toFile(big);
});

describe('decoding within a budget', () => {
  it('refuses from the header an image whose decoding is over the budget, saying what loads', async () => {
    const header = (await sharp(big).png().toBuffer()).subarray(0, 64);
    await expect(decodeImage(new Uint8Array(header), 'big.png', 512 * MiB)).rejects.toThrow(
      'big.png: PNG image 8192x8192 needs about 1 GB to decode, over the 537 MB this engine allows; images up to about 35.8 megapixels load here; resize it first');
  });

  it('Load Image in the CLI says so quickly under a memory cap', async () => {
    const graph = {
      format: 'latent-loom/graph', version: 1,
      nodes: [{ id: 'load', type: 'image.load', version: 1, position: { x: 0, y: 0 }, params: { image: big } },
        { id: 'out', type: 'image.output', version: 1, position: { x: 300, y: 0 }, params: {} }],
      edges: [{ id: 'e', from: { node: 'load', port: 'image' }, to: { node: 'out', port: 'image' } }],
    };
    writeFileSync(join(dir, 'g.json'), JSON.stringify(graph));
    const bin = fileURLToPath(new URL('../../bin/latent-loom.mjs', import.meta.url));
    const { code, signal, output } = await child(['prlimit', `--data=${1024 * MiB}`, process.execPath, bin, 'run', join(dir, 'g.json'), '--out', join(dir, 'out')],
      { LATENT_LOOM_MEMORY_BUDGET: '512MiB' });
    expect(signal).toBeNull();
    expect(code).toBe(1);
    expect(output).toMatch(/Load Image \("load"\): param "image": file ".*big\.png": PNG image 8192x8192 needs about 1 GB to decode, over the 537 MB this engine allows; images up to about 35\.8 megapixels load here/);
  });

  it('decodes and re-encodes an 8192x8192 PNG within 1.4 GB of private memory (it took 1.7 GB)', async () => {
    const script = join(dir, 'roundtrip.mts');
    const src = (p: string) => JSON.stringify(fileURLToPath(new URL(p, import.meta.url)));
    writeFileSync(script, `import { readFileSync } from 'node:fs';
import { decodeImage } from ${src('./decode.ts')};
import { encodePng } from ${src('./png.ts')};
const img = await decodeImage(new Uint8Array(readFileSync(${JSON.stringify(big)})), 'big.png');
const png = await encodePng(img);
console.log('encoded', img.width, img.height, png.length);
`);
    const { code, signal, output } = await child(['prlimit', `--data=${1400 * MiB}`, process.execPath, '--import', 'tsx', script]);
    expect({ code, signal, output: code === 0 ? '' : output }).toEqual({ code: 0, signal: null, output: '' });
    expect(output).toMatch(/encoded 8192 8192 \d+/);
  }, 120_000);
});
