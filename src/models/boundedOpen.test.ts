// Inspecting a model file (models add) is bounded: a tiny file that makes onnxruntime allocate gigabytes
// is refused within seconds, in a child process with a memory limit, and this process does not grow.
import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { inflatingOnnx } from '../../test/onnxBuilder.ts';
import { openOnnxBounded } from './boundedOpen.ts';
import { importModel } from './importModel.ts';
import { diskSource } from './nodeSource.ts';

const dir = mkdtempSync(join(tmpdir(), 'loom-probe-'));
const file = (name: string, bytes: Uint8Array) => {
  const path = join(dir, name);
  writeFileSync(path, bytes);
  return path;
};
// 8x8 probe -> [1, 3, 16384, 16384]: 3.2 GB from a file of 165 bytes.
const inflating = file('inflating.onnx', inflatingOnnx(2048));

describe('bounded model inspection', () => {
  it('refuses a model whose probe run asks for gigabytes, quickly, without this process growing', async () => {
    const rss = process.memoryUsage().rss;
    const started = performance.now();
    await expect(importModel(await diskSource(inflating))).rejects.toThrow(
      /^inflating\.onnx: refused: running it on a small input needed more than the 1\.6 GB of memory a model of this size may take to inspect$/);
    expect(performance.now() - started).toBeLessThan(20_000);
    expect(process.memoryUsage().rss - rss).toBeLessThan(200 * 1024 ** 2);
  });

  it('still imports a model whose probe fits, reading its scale', async () => {
    const { manifest } = await importModel(await diskSource(file('x4.onnx', inflatingOnnx(4))));
    expect(manifest).toMatchObject({ kind: 'upscaler', upscaler: { scale: 4 } });
  });

  it('refuses a model whose declared output shape is absurd, before running it', async () => {
    await expect(importModel(await diskSource(file('declared.onnx', inflatingOnnx(4, [1, 3, 100000, 100000]))))).rejects.toThrow(
      'declared.onnx: refused: its output "y" is declared as [1, 3, 100000, 100000], 30.0 billion values; no model this app runs takes or makes more than 1.1 billion');
  });

  it('refuses a model that takes longer than its time limit', async () => {
    await expect(openOnnxBounded(inflating, 'slow.onnx', { memoryBytes: 1024 ** 3, timeoutMs: 1 })).rejects.toThrow(
      'slow.onnx: refused: opening it took longer than 1 ms, the time a model of this size may take to inspect');
  });

  it('models add in the CLI says so under a memory cap instead of being killed', async () => {
    const bin = fileURLToPath(new URL('../../bin/latent-loom.mjs', import.meta.url));
    const { code, signal, output } = await new Promise<{ code: number | null; signal: string | null; output: string }>((ok) => {
      execFile('prlimit', [`--data=${3 * 1024 ** 3}`, process.execPath, bin, 'models', 'add', inflating, '--to', join(dir, 'models')], { timeout: 60_000 },
        (e, stdout, stderr) => ok({ code: e ? (typeof e.code === 'number' ? e.code : null) : 0, signal: e?.signal ?? null, output: stdout + stderr }));
    });
    expect({ code, signal }).toEqual({ code: 1, signal: null });
    expect(output).toContain('inflating.onnx: refused: running it on a small input needed more than the 1.6 GB of memory');
  });
});
