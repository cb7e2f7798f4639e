import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { GRAPH_CHUNK_KEYWORD, readPngText } from '../image/png.ts';
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
