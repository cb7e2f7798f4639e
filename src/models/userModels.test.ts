import { statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseManifest } from '../runtime/manifest.ts';
import { OpfsModelStore } from '../runtime/opfsStore.ts';
import { sessionOpener } from './fileSource.ts';
import { asOrtModule } from '../runtime/ort.ts';
import { fsDirectoryHandle } from '../../test/fsHandles.ts';
import { UserModels } from './userModels.ts';

// The test upscaler's size, read from the file so the expectations follow the shipped model.
const TINY_UPSCALER_BYTES = statSync(new URL('../../models/test/tiny-upscaler/model.onnx', import.meta.url)).size;

const testModels = fileURLToPath(new URL('../../models/test/', import.meta.url));
const opener = sessionOpener(asOrtModule(ort), { intraOpNumThreads: 1 });
let server: Server;
let base: string;

beforeAll(async () => {
  const model = await readFile(join(testModels, 'tiny-upscaler/model.onnx'));
  server = createServer((_req, res) => res.writeHead(200, { 'Content-Length': model.length, 'Accept-Ranges': 'bytes' }).end(model));
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((ok) => server.close(() => ok())));

async function userModels(quota?: number) {
  const dir = await mkdtemp(join(tmpdir(), 'loom-user-'));
  const root = fsDirectoryHandle(dir, { quota });
  return new UserModels(new OpfsModelStore(async () => root, async () => ({ usage: 0, quota: quota ?? 1e9 })), opener);
}

/** A folder as the browser's folder picker hands it over: files with paths under the folder's name. */
async function picked(folder: string) {
  const dir = join(testModels, folder);
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return Promise.all(entries.filter((e) => e.isFile() && e.name !== 'manifest.json').map(async (e) => {
    const full = join(e.parentPath, e.name);
    return { file: new File([await readFile(full)], e.name), path: `${folder}/${relative(dir, full)}` };
  }));
}

describe('UserModels (browser model manager actions, over an OPFS stand-in)', () => {
  it('adds a picked SD folder: recognised, hashed like the shipped manifest, stored and listed', async () => {
    const user = await userModels();
    const { manifest } = await user.addFiles(await picked('tiny-sd'));
    const shipped = parseManifest(JSON.parse(await readFile(join(testModels, 'tiny-sd/manifest.json'), 'utf8')), 'shipped');
    for (const f of shipped.files) expect(manifest.files).toContainEqual(f);
    expect((await user.store.list()).map((m) => m.id)).toEqual(['tiny-sd']);
    expect((await user.store.readFile('tiny-sd', 'scheduler/scheduler_config.json')).length).toBeGreaterThan(0);
  });

  it('downloads an upscaler from a URL, measures its scale and lists it with its source', async () => {
    const user = await userModels();
    const seen: number[] = [];
    const { manifest } = await user.downloadUrl(`${base}/models/x2.onnx`, { onProgress: (p) => seen.push(p.received) });
    expect(manifest).toMatchObject({ id: 'x2', kind: 'upscaler', upscaler: { scale: 2 }, source: `${base}/models/x2.onnx` });
    expect(seen.at(-1)).toBe(TINY_UPSCALER_BYTES);
    expect((await user.store.get('x2')).files[0].bytes).toBe(TINY_UPSCALER_BYTES);
    await user.delete('x2');
    expect(await user.store.list()).toEqual([]);
  });

  it('stops a download at the size a graph recorded, and names the file by a safe name', async () => {
    const user = await userModels();
    const url = `${base}/models/%2e%2e%2fx2.onnx`;
    await expect(user.downloadUrl(url, { expectedBytes: 1000 })).rejects.toThrow(/more than the 1000 bytes expected/);
    const { manifest } = await user.downloadUrl(url, { id: 'x2', expectedBytes: TINY_UPSCALER_BYTES });
    expect(manifest.files.map((f) => f.path)).toEqual(['_x2.onnx']);
  });

  it('says what to do when browser storage is full', async () => {
    const user = await userModels(100_000);
    await expect(user.addFiles(await picked('tiny-sd'))).rejects.toThrow(/^not enough browser storage for model "tiny-sd" \(\d+ bytes\): 0\.0 MB of 0\.1 MB in use\. Delete models/);
    expect(await user.store.list()).toEqual([]);
  });
});
