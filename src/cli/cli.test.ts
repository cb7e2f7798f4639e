import { execFile, execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { GRAPH_CHUNK_KEYWORD, readPngText } from '../image/png.ts';
import { fakeOnnx } from '../../test/onnxBuilder.ts';
import { main } from './main.ts';

const graphFile = new URL('./fixtures/conv-net-filter.json', import.meta.url).pathname;

async function cli(...argv: string[]) {
  const lines: string[] = [];
  const code = await main(argv, (l) => lines.push(l));
  return { code, lines };
}

describe('latent-loom run', () => {
  it('runs a saved graph on a real ONNX model and writes its image as PNG with the graph inside', async () => {
    const out = await mkdtemp(join(tmpdir(), 'loom-cli-'));
    const { code, lines } = await cli('run', graphFile, '--out', out, '--threads', '1');
    expect(code).toBe(0);
    expect(lines).toContain('Apply Image Model ("filter"): running');
    expect(lines.some((l) => /^Apply Image Model \("filter"\): done in [\d.]+ ms$/.test(l))).toBe(true);
    const png = await readFile(join(out, 'output.png'));
    const meta = await sharp(png).metadata();
    expect([meta.width, meta.height, meta.channels]).toEqual([128, 96, 3]);
    const embedded = JSON.parse(readPngText(png)[GRAPH_CHUNK_KEYWORD]);
    expect(embedded.nodes.map((n: { id: string }) => n.id)).toEqual(['gradient', 'model', 'filter', 'output']);
  });

  it('writes Save Image nodes under their file names', async () => {
    const out = await mkdtemp(join(tmpdir(), 'loom-cli-'));
    const graph = JSON.parse(await readFile(graphFile, 'utf8'));
    graph.nodes.push({ id: 'save', type: 'image.save', version: 1, position: { x: 0, y: 0 }, params: { filename: 'filtered' } });
    graph.edges.push({ id: 'e9', from: { node: 'filter', port: 'image' }, to: { node: 'save', port: 'image' } });
    await writeFile(join(out, 'g.json'), JSON.stringify(graph));
    const { code } = await cli('run', join(out, 'g.json'), '--out', out, '--threads', '1');
    expect(code).toBe(0);
    const saved = await readFile(join(out, 'filtered.png'));
    const pixels = async (png: Buffer) => (await sharp(png).raw().toBuffer()).toString('hex');
    expect(await pixels(saved)).toBe(await pixels(await readFile(join(out, 'output.png'))));
    expect(JSON.parse(readPngText(saved)[GRAPH_CHUNK_KEYWORD]).nodes.map((n: { id: string }) => n.id)).toContain('save');
  });

  it('exits non-zero with the failing node named', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loom-cli-'));
    const graph = JSON.parse(await readFile(graphFile, 'utf8'));
    graph.nodes[1].params.model = 'no-such-model';
    await writeFile(join(dir, 'g.json'), JSON.stringify(graph));
    const { code, lines } = await cli('run', join(dir, 'g.json'), '--out', dir, '--threads', '1');
    expect(code).toBe(1);
    expect(lines.filter((l) => l.startsWith('error: '))).toEqual([
      expect.stringMatching(/^error: Load Model \("model"\): unknown model "no-such-model" \(known: .*test-conv-net.*\)$/),
    ]);
    expect(lines).toContain('Apply Image Model ("filter"): skipped, input "model" comes from "model", which did not run');
    expect(lines.at(-1)).toMatch(/^run failed in \d+ ms$/);
  });

  it('refuses an invalid graph before running anything, listing every problem', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loom-cli-'));
    const graph = JSON.parse(await readFile(graphFile, 'utf8'));
    graph.nodes[0].params.width = 0;
    graph.edges.pop();
    await writeFile(join(dir, 'g.json'), JSON.stringify(graph));
    const { code, lines } = await cli('run', join(dir, 'g.json'), '--out', dir);
    expect(code).toBe(2);
    expect(lines).toEqual([
      'error: node "gradient" (image.gradient): param "width" must be at least 1 (got 0)',
      'error: node "output" (image.output): required input "image" is not connected',
    ]);
  });
});

/** The fixture graph with more Image Output nodes fed by its filter, under the given ids. */
async function withOutputs(ids: string[]) {
  const graph = JSON.parse(await readFile(graphFile, 'utf8'));
  ids.forEach((id, i) => {
    graph.nodes.push({ id, type: 'image.output', version: 1, position: { x: 0, y: 0 }, params: {} });
    graph.edges.push({ id: `x${i}`, from: { node: 'filter', port: 'image' }, to: { node: id, port: 'image' } });
  });
  return graph;
}

/** Every file under `dir`, as paths relative to it. */
async function tree(dir: string): Promise<string[]> {
  return (await readdir(dir, { recursive: true, withFileTypes: true })).filter((e) => e.isFile()).map((e) => join(e.parentPath, e.name).slice(dir.length + 1)).sort();
}

describe('latent-loom run: output files', () => {
  it('keeps files named after hostile node ids inside --out, and never lets two outputs share a file', async () => {
    const root = await mkdtemp(join(tmpdir(), 'loom-cli-'));
    const out = join(root, 'a', 'out');
    const abs = join(root, 'abs');
    const graph = await withOutputs(['../../escape', `${abs}/x`, 'a/b', 'a_b', 'A_B', '..', '.hidden']);
    await writeFile(join(root, 'g.json'), JSON.stringify(graph));
    const { code, lines } = await cli('run', join(root, 'g.json'), '--out', out, '--threads', '1');
    expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);
    expect(code).toBe(0);
    // Nothing outside --out but the graph itself.
    expect(await tree(root)).toEqual(['g.json', ...(await tree(out)).map((f) => join('a', 'out', f))].sort());
    const absName = `${abs}/x`.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/\.{2,}/g, '.').replace(/^\.+/, '');
    expect(await tree(out)).toEqual([`${absName}.png`, '_._escape.png', 'a_b-2.png', 'a_b.png', 'A_B-3.png', 'hidden.png', 'output.png', 'output-2.png'].sort());
  });

  it('writes Denoise steps of a node with a hostile id inside --out', async () => {
    const root = await mkdtemp(join(tmpdir(), 'loom-cli-'));
    const graph = JSON.parse(await readFile(fileURLToPath(new URL('../../graphs/default.json', import.meta.url)), 'utf8'));
    const denoise = graph.nodes.find((n: { type: string }) => n.type === 'diffusion.denoise');
    const hostile = '../../../denoise';
    for (const e of graph.edges) {
      if (e.from.node === denoise.id) e.from.node = hostile;
      if (e.to.node === denoise.id) e.to.node = hostile;
    }
    denoise.id = hostile;
    graph.nodes.find((n: { id: string }) => n.id === 'model').params.model = 'test-tiny-sd';
    graph.nodes.find((n: { id: string }) => n.id === 'scheduler').params.steps = 2;
    await writeFile(join(root, 'g.json'), JSON.stringify(graph));
    const out = join(root, 'out');
    const { code, lines } = await cli('run', join(root, 'g.json'), '--out', out, '--threads', '1');
    expect(lines.filter((l) => l.startsWith('error'))).toEqual([]);
    expect(code).toBe(0);
    const files = await tree(root);
    expect(files.filter((f) => !f.startsWith('out/'))).toEqual(['g.json']);
    expect(files.filter((f) => f.includes('step'))).toEqual(['out/_._._denoise-step-000.png', 'out/_._._denoise-step-001.png']);
  });
});

describe('latent-loom run: arguments', () => {
  it('answers --help and -h on every command with its usage', async () => {
    for (const argv of [['run', '--help'], ['run', '-h'], ['run', 'g.json', '--help'], ['models', 'add', '--help'], ['models', 'list', '-h'], ['models', 'verify', '--help'], ['--help'], ['-h']]) {
      const { code, lines } = await cli(...argv);
      expect(code, argv.join(' ')).toBe(0);
      expect(lines.join('\n'), argv.join(' ')).toMatch(/^usage:\n {2}latent-loom (run|models)/);
    }
    expect((await cli('run', '--help')).lines.join('\n')).toContain('--threads N');
    expect((await cli('models', 'add', '--help')).lines.join('\n')).toContain('latent-loom models add PATH|URL');
  });

  it('refuses --threads outside 1 to the cap, and other bad values, before running anything', async () => {
    for (const threads of ['1e9', '0', '-1', 'abc', '2.5', '100000']) {
      const { code, lines } = await cli('run', graphFile, '--out', tmpdir(), '--threads', threads);
      expect(code).toBe(2);
      expect(lines).toEqual([expect.stringMatching(new RegExp(`^error: --threads must be a whole number from 1 to \\d+ \\(got "${threads.replace('.', '\\.')}"\\)$`))]);
    }
    expect((await cli('run', graphFile, '--steps', 'maybe')).lines).toEqual(['error: --steps must be true or false (got "maybe")']);
    expect((await cli('run', graphFile, '--thread', '2')).lines[0]).toMatch(/^error: unknown option --thread\nusage:\n/);
  });

  it('refuses an --out that cannot be a folder, at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loom-cli-'));
    const file = join(dir, 'file.txt');
    await writeFile(file, 'x');
    const started = performance.now();
    expect(await cli('run', graphFile, '--out', '/proc/x', '--threads', '1')).toEqual({ code: 2, lines: ['error: --out folder "/proc/x" cannot be made (ENOENT)'] });
    expect(await cli('run', graphFile, '--out', join(file, 'sub'), '--threads', '1')).toEqual({ code: 2, lines: [`error: --out folder "${join(file, 'sub')}" cannot be made (ENOTDIR)`] });
    expect(await cli('run', graphFile, '--out', file, '--threads', '1')).toEqual({ code: 2, lines: [`error: --out folder "${file}" cannot be made: "${file}" is not a folder`] });
    expect(performance.now() - started).toBeLessThan(10_000);
  }, 20_000);

  it('never echoes a huge id or argument in full', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loom-cli-'));
    const graph = JSON.parse(await readFile(graphFile, 'utf8'));
    graph.nodes[0].id = 'n'.repeat(10_000_000);
    await writeFile(join(dir, 'g.json'), JSON.stringify(graph));
    const invalid = await cli('run', join(dir, 'g.json'), '--out', dir);
    expect(invalid.code).toBe(2);
    expect(invalid.lines.length).toBeGreaterThan(0);
    for (const l of invalid.lines) expect(l.length).toBeLessThan(300);
    const target = await cli('run', graphFile, '--out', dir, '--target', 't'.repeat(10_000_000));
    expect(target).toEqual({ code: 2, lines: [`error: --target "${'t'.repeat(80)}…" is not a node of this graph`] });
    const command = await cli('x'.repeat(10_000_000));
    expect(command.code).toBe(2);
    expect(command.lines[0]).toMatch(/^unknown command "x{80}…"\n/);
  });

  it('refuses a graph file that is a pipe or a device, at once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loom-cli-'));
    const fifo = join(dir, 'graph.json');
    execFileSync('mkfifo', [fifo]);
    expect(await cli('run', fifo, '--out', dir)).toEqual({ code: 1, lines: [`error: graph file "${fifo}" is not a regular file (a pipe); give the path of an ordinary file`] });
    expect(await cli('run', '/dev/zero', '--out', dir)).toEqual({ code: 1, lines: ['error: graph file "/dev/zero" is not a regular file (a device); give the path of an ordinary file'] });
  }, 20_000);
});

describe('latent-loom run: onnxruntime', () => {
  /** A model folder with one fake image model, and the fixture graph using it. */
  async function fakeModel(input: (number | string)[], output: (number | string)[]) {
    const dir = await mkdtemp(join(tmpdir(), 'loom-cli-'));
    const bytes = fakeOnnx([{ name: 'input', dtype: 'float32', shape: input }], [{ name: 'output', dtype: 'float32', shape: output }]);
    await mkdir(join(dir, 'models', 'fake'), { recursive: true });
    await writeFile(join(dir, 'models', 'fake', 'model.onnx'), bytes);
    const sha256 = createHash('sha256').update(bytes).digest('hex');
    await writeFile(join(dir, 'models', 'fake', 'manifest.json'), JSON.stringify({
      format: 'latent-loom/model', version: 1, id: 'fake', title: 'Fake', kind: 'test', files: [{ role: 'model', path: 'model.onnx', sha256, bytes: bytes.length }],
    }));
    const graph = JSON.parse(await readFile(graphFile, 'utf8'));
    graph.nodes[1].params.model = 'fake';
    await writeFile(join(dir, 'g.json'), JSON.stringify(graph));
    return dir;
  }
  const bin = fileURLToPath(new URL('../../bin/latent-loom.mjs', import.meta.url));
  /** The real command in its own process, so onnxruntime's stderr can be seen. */
  const spawnCli = (...argv: string[]) => new Promise<{ code: number; stdout: string; stderr: string }>((ok) => {
    execFile(process.execPath, [bin, ...argv], { timeout: 60_000 }, (e, stdout, stderr) => ok({ code: e ? (e.code as number) : 0, stdout, stderr }));
  });

  it('keeps onnxruntime\'s own log lines off stderr', async () => {
    // Declares a 2x2 output but gives back its input: onnxruntime warns about the shape on every run.
    const dir = await fakeModel([1, 3, 'h', 'w'], [1, 3, 2, 2]);
    const { code, stderr } = await spawnCli('run', join(dir, 'g.json'), '--out', join(dir, 'out'), '--models', join(dir, 'models'), '--threads', '1');
    expect(code).toBe(0);
    expect(stderr).not.toMatch(/onnxruntime|\.cc:\d+/);
  });

  it('puts a failure in words, naming the node, with onnxruntime\'s own text under --verbose', async () => {
    // Takes only 8x8 tiles: it fits the image-model contract, and onnxruntime refuses the 128x96 image.
    const dir = await fakeModel([1, 3, 8, 8], [1, 3, 8, 8]);
    const argv = ['run', join(dir, 'g.json'), '--out', join(dir, 'out'), '--models', join(dir, 'models'), '--threads', '1'];
    const quiet = await cli(...argv);
    expect(quiet.code).toBe(1);
    const sentence = 'error: Apply Image Model ("filter"): the model\'s input "input" has size 96 in dimension 2, but the model expects 8; the image or latent does not fit this model';
    expect(quiet.lines.filter((l) => l.startsWith('error'))).toEqual([`${sentence} (--verbose shows onnxruntime's own message)`]);
    const verbose = await cli(...argv, '--verbose');
    const at = verbose.lines.indexOf(sentence);
    expect(at).toBeGreaterThan(-1);
    expect(verbose.lines[at + 1]).toMatch(/^ {2}onnxruntime said: Got invalid dimensions for input: input/);
  });
});
