import { statSync } from 'node:fs';
import { createServer } from 'node:http';
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { main } from './main.ts';

// The test upscaler's size, read from the file so the expectations follow the shipped model.
const TINY_UPSCALER_BYTES = statSync(new URL('../../models/test/tiny-upscaler/model.onnx', import.meta.url)).size;

const root = fileURLToPath(new URL('../../', import.meta.url));

async function cli(...argv: string[]) {
  const lines: string[] = [];
  const code = await main(argv, (l) => lines.push(l));
  return { code, lines };
}

/** tiny-sd as a user would bring it (no manifest), and an empty models folder to add it to. */
async function userCopy() {
  const tmp = await mkdtemp(join(tmpdir(), 'loom-models-'));
  const src = join(tmp, 'My SD');
  await cp(join(root, 'models/test/tiny-sd'), src, { recursive: true });
  await rm(join(src, 'manifest.json'));
  return { tmp, src, store: join(tmp, 'store') };
}

describe('latent-loom models', () => {
  it('add writes a manifest into a copy; list shows it with the bundled models', async () => {
    const { src, store } = await userCopy();
    const added = await cli('models', 'add', src, '--to', store, '--url', 'https://example.org/my-sd');
    expect(added.code).toBe(0);
    expect(added.lines[0]).toBe(`added my-sd (stable-diffusion, 13 files, 1.70 MB) to ${join(store, 'my-sd')}`);
    const manifest = JSON.parse(await readFile(join(store, 'my-sd/manifest.json'), 'utf8'));
    expect(manifest).toMatchObject({ id: 'my-sd', title: 'My SD', source: 'https://example.org/my-sd' });
    const listed = await cli('models', 'list', '--models', store);
    expect(listed.lines[0]).toMatch(/^id +kind +size +source$/);
    expect(listed.lines[1]).toMatch(/^my-sd +stable-diffusion +1\.70 MB +https:\/\/example\.org\/my-sd$/);
    expect(listed.lines.some((l) => l.startsWith('test-tiny-upscaler '))).toBe(true);
    expect((await cli('models', 'add', src, '--to', store)).lines).toEqual([
      `error: ${join(store, 'my-sd')} already holds a model; remove it or choose another id with --id`,
    ]);
  });

  it('add refuses a file that fits no contract, naming what differs', async () => {
    const { tmp } = await userCopy();
    await writeFile(join(tmp, 'notes.onnx'), 'not a model');
    const { code, lines } = await cli('models', 'add', join(tmp, 'notes.onnx'), '--to', join(tmp, 'store'));
    expect(code).toBe(1);
    expect(lines[0]).toMatch(/^error: notes\.onnx: not a loadable ONNX model \(truncated, corrupt or missing its external data\)/);
  });

  it('verify passes on an intact copy and names the file with a changed byte', async () => {
    const { src, store } = await userCopy();
    await cli('models', 'add', src, '--to', store);
    expect(await cli('models', 'verify', 'my-sd', '--models', store)).toEqual({ code: 0, lines: ['ok my-sd (13 files)'] });
    const file = join(store, 'my-sd/unet/model.onnx');
    const bytes = await readFile(file);
    const intact = createHash('sha256').update(bytes).digest('hex');
    bytes[1000] ^= 1;
    await writeFile(file, bytes);
    const changed = createHash('sha256').update(bytes).digest('hex');
    const { code, lines } = await cli('models', 'verify', 'my-sd', '--models', store);
    expect(code).toBe(1);
    expect(lines).toEqual([expect.stringMatching(new RegExp(`^error: my-sd: unet/model\\.onnx differs: sha256 ${changed}, the manifest says ${intact} `))]);
  });

  it('a model added with `models add` runs the default text-to-image graph with `run --models`', async () => {
    const { tmp, src, store } = await userCopy();
    expect((await cli('models', 'add', src, '--to', store)).code).toBe(0);
    const graph = JSON.parse(await readFile(join(root, 'graphs/default.json'), 'utf8'));
    graph.nodes.find((n: { id: string }) => n.id === 'model').params.model = 'my-sd';
    graph.nodes.find((n: { id: string }) => n.id === 'scheduler').params.steps = 2;
    await writeFile(join(tmp, 'graph.json'), JSON.stringify(graph));
    const out = join(tmp, 'out');
    const { code, lines } = await cli('run', join(tmp, 'graph.json'), '--out', out, '--models', store, '--threads', '1', '--steps', 'false');
    expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);
    expect(code).toBe(0);
    const meta = await sharp(await readFile(join(out, 'output.png'))).metadata();
    const { width, height } = graph.nodes.find((n: { id: string }) => n.id === 'noise').params;
    // The default graph may end with an upscaler: the image is the latent size times a whole number.
    expect(meta.width! % width).toBe(0);
    expect(meta.width! / width).toBe(meta.height! / height);
  });
});

describe('latent-loom models add URL', () => {
  it('downloads a file, resuming after a dropped connection, and adds it with the URL as its source', async () => {
    const model = await readFile(join(root, 'models/test/tiny-upscaler/model.onnx'));
    const { tmp } = await userCopy();
    const store = join(tmp, 'store');
    /** The size of the partial download on disk, once there is one. */
    const stored = async () => {
      const names = await readdir(join(store, '.downloads')).catch(() => [] as string[]);
      return names.length === 1 ? (await stat(join(store, '.downloads', names[0]))).size : 0;
    };
    let cut = true;
    const server = createServer((req, res) => {
      const start = Number(req.headers.range?.match(/^bytes=(\d+)-$/)?.[1] ?? 0);
      const headers = { 'Accept-Ranges': 'bytes', 'Content-Length': model.length - start, ...(start ? { 'Content-Range': `bytes ${start}-${model.length - 1}/${model.length}` } : {}) };
      res.writeHead(start ? 206 : 200, headers);
      if (cut) {
        cut = false;
        // The connection drops once the first 2000 bytes are on disk (waited for, not timed, so a busy
        // machine cannot lose them in flight): the download stops short, and the next try asks for the rest.
        res.write(model.subarray(0, 2000), async () => {
          for (let i = 0; i < 500 && (await stored()) < 2000; i++) await new Promise((wait) => setTimeout(wait, 20));
          res.destroy();
        });
      } else res.end(model.subarray(start));
    });
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    const url = `http://127.0.0.1:${(server.address() as { port: number }).port}/files/sr-x2.onnx`;
    try {
      const first = await cli('models', 'add', url, '--to', store);
      expect(first.code).toBe(1);
      expect(first.lines.at(-1)).toMatch(new RegExp(`^error: .*sr-x2\\.onnx: interrupted after \\d+ of ${TINY_UPSCALER_BYTES} bytes .*continues from there$`));
      const second = await cli('models', 'add', url, '--to', store);
      expect(second.code).toBe(0);
      const kb = `${(TINY_UPSCALER_BYTES / 1000).toFixed(2)} KB`;
      expect(second.lines).toContain(`downloaded sr-x2.onnx (${kb}, resumed)`);
      expect(second.lines.at(-1)).toBe(`added sr-x2 (upscaler, 1 file, ${kb}) to ${join(store, 'sr-x2')}`);
      expect(JSON.parse(await readFile(join(store, 'sr-x2/manifest.json'), 'utf8'))).toMatchObject({ source: url, upscaler: { scale: 2 } });
      expect(await readdir(join(store, '.downloads'))).toEqual([]);
    } finally {
      server.close();
    }
  });
});

describe('latent-loom models: nothing outside the models folder', () => {
  /** Serves the tiny upscaler at any path. */
  async function serve() {
    const model = await readFile(join(root, 'models/test/tiny-upscaler/model.onnx'));
    const server = createServer((_req, res) => res.writeHead(200, { 'Content-Length': model.length }).end(model));
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    return { server, base: `http://127.0.0.1:${(server.address() as { port: number }).port}` };
  }
  /** Every file and folder under `dir`, relative to it. */
  const tree = async (dir: string) => (await readdir(dir, { recursive: true })).sort();

  it('add URL with an encoded ../ in its name downloads inside the folder and removes only what it made', async () => {
    const { server, base } = await serve();
    try {
      const home = await mkdtemp(join(tmpdir(), 'loom-home-'));
      await writeFile(join(home, 'precious.txt'), 'keep me');
      const store = join(home, 'deep', 'store');
      const url = `${base}/files/${'%2e%2e%2f'.repeat(4)}escape.onnx`;
      const { code, lines } = await cli('models', 'add', url, '--to', store);
      expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);
      expect(code).toBe(0);
      expect(lines).toContain(`downloaded _._._._escape.onnx (${(TINY_UPSCALER_BYTES / 1000).toFixed(2)} KB)`);
      // The user's files are all there, nothing was written beside them, and the download left nothing behind.
      expect(await readFile(join(home, 'precious.txt'), 'utf8')).toBe('keep me');
      expect((await tree(home)).filter((p) => !p.startsWith(join('deep', 'store')))).toEqual(['deep', 'precious.txt']);
      expect(await readdir(join(store, '.downloads'))).toEqual([]);
      const [id] = (await readdir(store)).filter((d) => d !== '.downloads');
      expect(JSON.parse(await readFile(join(store, id, 'manifest.json'), 'utf8'))).toMatchObject({ source: url, kind: 'upscaler' });
    } finally {
      server.close();
    }
  });

  it('add refuses an --id that would leave the folder', async () => {
    const { tmp, src } = await userCopy();
    const store = join(tmp, 'a', 'store');
    for (const id of ['../../evil', '/etc/evil', 'a/b', '..', '.hidden', 'x'.repeat(101)]) {
      const { code, lines } = await cli('models', 'add', src, '--to', store, '--id', id);
      expect(code, id).toBe(2);
      expect(lines[0], id).toMatch(/^error: --id: model id ".*" is not allowed: use letters, digits, '\.', '_' and '-'/);
    }
    expect(await readdir(tmp)).toEqual(['My SD']);
  });

  it('verify refuses a manifest path that leaves the model folder, as run does', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'loom-models-'));
    const outside = new TextEncoder().encode('a file outside the models folder');
    await writeFile(join(tmp, 'outside.bin'), outside);
    const sha256 = createHash('sha256').update(outside).digest('hex');
    await mkdir(join(tmp, 'store', 'sneaky'), { recursive: true });
    for (const path of ['../../outside.bin', join(tmp, 'outside.bin')]) {
      await writeFile(join(tmp, 'store', 'sneaky', 'manifest.json'), JSON.stringify({
        format: 'latent-loom/model', version: 1, id: 'sneaky', title: 'Sneaky', kind: 'test', files: [{ role: 'model', path, sha256, bytes: outside.length }],
      }));
      const { code, lines } = await cli('models', 'verify', 'sneaky', '--models', join(tmp, 'store'));
      expect(code).toBe(1);
      expect(lines).toEqual([`error: model "sneaky": file path "${path}" leaves its folder (in ${join(tmp, 'store', 'sneaky')})`]);
    }
  });
});

// A broken manifest.json in one model folder must not break every run and `models list`: it is
// skipped with a warning naming the file.
describe('latent-loom models: a broken manifest in the models folder', () => {
  async function brokenStore() {
    const tmp = await mkdtemp(join(tmpdir(), 'loom-models-'));
    await mkdir(join(tmp, 'store', 'broken'), { recursive: true });
    await writeFile(join(tmp, 'store', 'broken', 'manifest.json'), '{ "format": "latent-loom/model", ');
    await mkdir(join(tmp, 'store', 'wrong'), { recursive: true });
    await writeFile(join(tmp, 'store', 'wrong', 'manifest.json'), '{ "format": "latent-loom/model", "version": 1 }');
    return { tmp, store: join(tmp, 'store') };
  }

  it('list skips it with a warning naming the file, and lists the others', async () => {
    const { store } = await brokenStore();
    const { code, lines } = await cli('models', 'list', '--models', store);
    expect(code).toBe(0);
    expect(lines.filter((l) => l.startsWith('warning'))).toEqual([
      expect.stringMatching(new RegExp(`^warning: ${join(store, 'broken', 'manifest.json')}: .*; skipped$`)),
      expect.stringMatching(new RegExp(`^warning: ${join(store, 'wrong', 'manifest.json')}: .*; skipped$`)),
    ]);
    expect(lines.some((l) => l.startsWith('test-tiny-upscaler '))).toBe(true);
  });

  it('run still finds the other models', async () => {
    const { tmp, store } = await brokenStore();
    const graph = join(root, 'src/cli/fixtures/conv-net-filter.json');
    const { code, lines } = await cli('run', graph, '--out', join(tmp, 'out'), '--models', store, '--threads', '1');
    expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);
    expect(code).toBe(0);
  });
});
