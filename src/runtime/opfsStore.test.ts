import { statSync } from 'node:fs';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { fsDirectoryHandle } from '../../test/fsHandles.ts';
import { CombinedModelStore } from './combinedStore.ts';
import { FsModelStore } from './fsStore.ts';
import { parseManifest } from './manifest.ts';
import { PROJECT_MODEL_ROOTS } from './node.ts';
import { OpfsModelStore } from './opfsStore.ts';

// The test upscaler's size, read from the file so the expectations follow the shipped model.
const TINY_UPSCALER_BYTES = statSync(new URL('../../models/test/tiny-upscaler/model.onnx', import.meta.url)).size;

const upscalerDir = fileURLToPath(new URL('../../models/test/tiny-upscaler/', import.meta.url));

async function upscaler(id = 'my-upscaler') {
  const manifest = { ...parseManifest(JSON.parse(await readFile(join(upscalerDir, 'manifest.json'), 'utf8')), 'test'), id };
  const bytes = new Uint8Array(await readFile(join(upscalerDir, 'model.onnx')));
  return { manifest, files: new Map([['model.onnx', bytes]]), bytes };
}

async function store(quota?: number) {
  const dir = await mkdtemp(join(tmpdir(), 'loom-opfs-'));
  const root = fsDirectoryHandle(dir, { quota });
  return { dir, store: new OpfsModelStore(async () => root, async () => ({ usage: 1_000_000, quota: 2_000_000 })) };
}

describe('OpfsModelStore', () => {
  it('adds a model (manifest last), lists and reads it, and deleting it frees its folder', async () => {
    const { dir, store: s } = await store();
    const { manifest, files, bytes } = await upscaler();
    await s.add(manifest, files);
    expect((await s.list()).map((m) => m.id)).toEqual(['my-upscaler']);
    expect(await s.readFile('my-upscaler', 'model.onnx')).toEqual(bytes);
    await expect(s.add(manifest, files)).rejects.toThrow('a model "my-upscaler" is already stored; delete it first');
    await s.delete('my-upscaler');
    expect(await readdir(dir)).toEqual([]);
    expect(await s.list()).toEqual([]);
    expect(await s.usage()).toEqual({ usage: 1_000_000, quota: 2_000_000 });
  });

  it('refuses files that do not match the manifest', async () => {
    const { store: s } = await store();
    const { manifest } = await upscaler();
    await expect(s.add(manifest, new Map([['model.onnx', new Uint8Array(3)]]))).rejects.toThrow(`model "my-upscaler": model.onnx is 3 bytes, its manifest says ${TINY_UPSCALER_BYTES}`);
    await expect(s.add(manifest, new Map())).rejects.toThrow('model "my-upscaler": model.onnx was not given');
  });

  it('turns a quota error into a message that says what to do, leaving nothing half-written', async () => {
    const { dir, store: s } = await store(1000);
    const { manifest, files } = await upscaler();
    await expect(s.add(manifest, files)).rejects.toThrow(
      `not enough browser storage for model "my-upscaler" (${TINY_UPSCALER_BYTES} bytes): 1.0 MB of 2.0 MB in use. Delete models you no longer use, or let this site store more.`,
    );
    expect(await readdir(dir)).toEqual([]);
  });

  it('serves bundled and user models as one store, the first store winning a shared id', async () => {
    const { store: user } = await store();
    const { manifest, files, bytes } = await upscaler('test-tiny-upscaler');
    await user.add({ ...manifest, title: 'mine' }, files);
    await user.add({ ...manifest, id: 'only-mine' }, files);
    const both = new CombinedModelStore([user, new FsModelStore(PROJECT_MODEL_ROOTS)]);
    const ids = (await both.list()).map((m) => m.id);
    expect(ids.filter((id) => id === 'test-tiny-upscaler')).toHaveLength(1);
    expect(ids).toEqual(expect.arrayContaining(['only-mine', 'test-tiny-sd', 'test-tiny-gan']));
    expect((await both.get('test-tiny-upscaler')).title).toBe('mine');
    expect(await both.readFile('only-mine', 'model.onnx')).toEqual(bytes);
    await expect(both.get('nope')).rejects.toThrow(/^unknown model "nope" \(known: .*only-mine.*test-tiny-sd/);
  });
});
