import { cp, mkdir, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { main } from '../cli/main.ts';
import { scanModelFolders } from './modelFolders.ts';
import { createNodeRuntime, PROJECT_MODEL_ROOTS } from './node.ts';

/** A user's models folder holding the tiny 2x upscaler under the id of the bundled conv-net filter. */
async function shadowingRoot(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'loom-roots-'));
  const dir = join(root, 'mine');
  await cp(join(PROJECT_MODEL_ROOTS[1], 'tiny-upscaler'), dir, { recursive: true });
  const manifest = JSON.parse(await readFile(join(dir, 'manifest.json'), 'utf8'));
  await writeFile(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, id: 'test-conv-net', title: 'mine' }));
  return root;
}

describe('model folders', () => {
  it('the first root wins: a user model shadows a bundled one with the same id', async () => {
    const root = await shadowingRoot();
    const found = await scanModelFolders([root, ...PROJECT_MODEL_ROOTS]);
    expect(found.filter((f) => f.manifest.id === 'test-conv-net').map((f) => f.manifest.title)).toEqual(['mine']);
    const runtime = createNodeRuntime({ modelRoots: [root], threads: 1 });
    expect((await runtime.store.get('test-conv-net')).title).toBe('mine');
  });

  it('latent-loom run uses the user model, not the bundled one of the same id', async () => {
    const root = await shadowingRoot();
    const out = await mkdtemp(join(tmpdir(), 'loom-roots-out-'));
    const graph = new URL('../cli/fixtures/conv-net-filter.json', import.meta.url).pathname;
    const code = await main(['run', graph, '--out', out, '--threads', '1', '--models', root, '--steps', 'false'], () => {});
    expect(code).toBe(0);
    // The bundled filter keeps 128x96; the user's model under its id upscales 2x.
    const meta = await sharp(await readFile(join(out, 'output.png'))).metadata();
    expect([meta.width, meta.height]).toEqual([256, 192]);
  });

  it('skips a manifest that cannot be read, naming it, and lists the rest', async () => {
    const root = await mkdtemp(join(tmpdir(), 'loom-roots-'));
    await mkdir(join(root, 'broken'));
    await writeFile(join(root, 'broken', 'manifest.json'), '{ not json');
    await cp(join(PROJECT_MODEL_ROOTS[1], 'tiny-upscaler'), join(root, 'good'), { recursive: true });
    const warnings: string[] = [];
    const found = await scanModelFolders([root], (w) => warnings.push(w));
    expect(found.map((f) => f.manifest.id)).toEqual(['test-tiny-upscaler']);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain(join(root, 'broken', 'manifest.json'));
  });
});
