import { mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main } from './main.ts';

/** The default graph on the bundled tiny models, with two steps: a real text-to-image run in a fraction of a second. */
async function graphFile(dir: string): Promise<string> {
  const graph = JSON.parse(await readFile(new URL('../../graphs/default.json', import.meta.url), 'utf8'));
  graph.nodes.find((n: { id: string }) => n.id === 'scheduler').params.steps = 2;
  const file = join(dir, 'graph.json');
  await writeFile(file, JSON.stringify(graph));
  return file;
}

async function cli(...argv: string[]) {
  const lines: string[] = [];
  const code = await main(argv, (l) => lines.push(l));
  return { code, lines };
}

const jsonLines = async (file: string) => (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));

describe('latent-loom run --sweep', () => {
  it('runs 20 seeds in one engine: 20 distinct images, each the bytes a single run with that seed writes, the prompts encoded once', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loom-sweep-'));
    const file = await graphFile(dir);
    const { code, lines } = await cli('run', file, '--out', join(dir, 'sweep'), '--sweep', 'noise.seed=1..20', '--threads', '1');
    expect(code).toBe(0);
    expect(lines.filter((l) => l === 'Text Encoder ("encode_positive"): running')).toHaveLength(1);
    expect(lines.filter((l) => l === 'Text Encoder ("encode_positive"): cached')).toHaveLength(19);
    const names = Array.from({ length: 20 }, (_, i) => `output.noise.seed-${i + 1}.png`);
    expect((await readdir(join(dir, 'sweep'))).sort()).toEqual([...names, 'runs.jsonl'].sort());
    const images = await Promise.all(names.map((n) => readFile(join(dir, 'sweep', n))));
    expect(new Set(images.map((b) => b.toString('base64'))).size).toBe(20);

    const runs = await jsonLines(join(dir, 'sweep', 'runs.jsonl'));
    expect(runs.map((r) => [r.run, r.overrides, r.status, r.files])).toEqual(names.map((n, i) => [i + 1, { 'noise.seed': i + 1 }, 'done', [n]]));
    expect(runs.every((r) => /^[0-9a-f]{32}$/.test(r.id) && r.ms >= 0 && !Number.isNaN(Date.parse(r.started)))).toBe(true);

    // A single run with a seed, in an engine of its own, writes the same bytes (and has the same id). Four
    // seeds across the range stand for all twenty: a run of its own costs an engine start.
    for (const seed of [1, 7, 14, 20]) {
      const out = join(dir, `single-${seed}`);
      expect((await cli('run', file, '--out', out, '--set', `noise.seed=${seed}`, '--steps', 'false', '--threads', '1')).code).toBe(0);
      expect((await readFile(join(out, 'output.png'))).equals(images[seed - 1])).toBe(true);
      expect((await jsonLines(join(out, 'runs.jsonl')))[0].id).toBe(runs[seed - 1].id);
    }
  });

  it('runs one prompt a line for a named Prompt node, with --set applied to every run', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loom-sweep-'));
    const file = await graphFile(dir);
    await writeFile(join(dir, 'prompts.txt'), 'a cat\n\n  a dog  \r\n');
    const { code } = await cli('run', file, '--out', dir, '--prompts', `Positive prompt=${join(dir, 'prompts.txt')}`, '--set', 'noise.seed=3', '--threads', '1');
    expect(code).toBe(0);
    const runs = await jsonLines(join(dir, 'runs.jsonl'));
    expect(runs.map((r) => [r.overrides, r.files])).toEqual([
      [{ 'noise.seed': 3, 'positive.text': 'a cat' }, ['output.positive.text-1.png']],
      [{ 'noise.seed': 3, 'positive.text': 'a dog' }, ['output.positive.text-2.png']],
    ]);
  });

  it('refuses bad overrides before running anything, listing each', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'loom-sweep-'));
    const file = await graphFile(dir);
    const { code, lines } = await cli('run', file, '--out', dir, '--set', 'noise.seed=-1', '--sweep', 'noise.colour=1..3');
    expect(code).toBe(2);
    expect(lines).toEqual([
      'error: set "noise.seed": node "noise" (diffusion.noise) param "seed" must be between 0 and 9007199254740991 (got -1)',
      'error: sweep "noise.colour": node "noise" (diffusion.noise) has no param "colour" (its params: seed, width, height, batch)',
    ]);
    expect(await readdir(dir)).toEqual(['graph.json']);
    expect((await cli('run', file, '--set', 'noise.seed')).lines).toEqual(['error: --set "noise.seed" must be NODE.PARAM=VALUE']);
  });

  it('answers --help on every command', async () => {
    for (const command of ['run', 'models', 'serve', 'worker']) {
      const { code, lines } = await cli(command, '--help');
      expect(code, command).toBe(0);
      expect(lines.join('\n'), command).toContain(`latent-loom ${command}`);
    }
  });
});
