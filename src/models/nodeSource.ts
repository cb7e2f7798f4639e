// Node side of the model manager: a folder or .onnx file on disk as an ImportSource, sessions opened
// from the file path (so external data beside it loads), and copying an imported model into a folder.
import { copyFile, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { basename, dirname, join, relative, sep } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ModelManifest } from '../runtime/manifest.ts';
import { asOrtModule, openSession } from '../runtime/ort.ts';
import { quietOrt } from '../runtime/node.ts';
import { containedPath } from '../runtime/paths.ts';
import { sha256File } from './disk.ts';
import { openOnnxBounded, probeLimits } from './boundedOpen.ts';
import { isExternalData, type ImportSource, type OpenedModel } from './importModel.ts';

export async function diskSource(path: string): Promise<ImportSource & { root: string }> {
  const info = await stat(path).catch(() => null);
  if (!info) throw new Error(`${path}: no such file or folder`);
  const root = info.isDirectory() ? path : dirname(path);
  let files: { path: string; bytes: number }[];
  if (info.isDirectory()) {
    files = (await walk(root)).filter((f) => f.path !== 'manifest.json');
  } else {
    // A lone file, with its external data if it sits beside it under the usual names.
    const name = basename(path);
    const names = [name, `${name}_data`, `${name}.data`, `${name.replace(/\.onnx$/i, '')}.onnx_data`];
    files = [];
    for (const n of new Set(names)) {
      const s = await stat(join(root, n)).catch(() => null);
      if (s?.isFile()) files.push({ path: n, bytes: s.size });
    }
  }
  const full = (p: string) => join(root, ...p.split('/'));
  return {
    root,
    // 'unet/model.onnx' is named by its folder, as exports name their files model.onnx.
    name: !info.isDirectory() && basename(path).toLowerCase() === 'model.onnx' ? basename(root) : basename(path),
    files,
    read: async (p) => new Uint8Array(await readFile(full(p))),
    sha256: memo((p: string) => sha256File(full(p))),
    // Inspected in a child process with memory and time limits: a small file can ask for gigabytes.
    open: (p) => {
      const dir = p.includes('/') ? p.slice(0, p.lastIndexOf('/') + 1) : '';
      const bytes = files.filter((f) => f.path === p || (f.path.startsWith(dir) && !f.path.slice(dir.length).includes('/') && isExternalData(f.path)))
        .reduce((n, f) => n + f.bytes, 0);
      return openOnnxBounded(full(p), p, probeLimits(bytes));
    },
  };
}

/** An onnxruntime-node session from the file's path, so external data beside it loads too. */
export function openOnnx(path: string, label: string): Promise<OpenedModel> {
  return openSession(asOrtModule(ort), path, label, { intraOpNumThreads: 1, interOpNumThreads: 1, ...quietOrt() });
}

/** Copies the manifest's files into `<dest>/<id>/` and writes its manifest.json there. */
export async function copyModel(src: { root: string }, manifest: ModelManifest, dest: string): Promise<string> {
  // The id and the paths become folder and file names: each must stay inside the folder it names.
  const dir = containedPath(dest, manifest.id, `model ${JSON.stringify(manifest.id.slice(0, 80))}`);
  const existing = await stat(join(dir, 'manifest.json')).catch(() => null);
  if (existing) throw new Error(`${dir} already holds a model; remove it or choose another id with --id`);
  for (const f of manifest.files) {
    const to = containedPath(dir, f.path, `model "${manifest.id}"`);
    await mkdir(dirname(to), { recursive: true });
    await copyFile(containedPath(src.root, f.path, `model "${manifest.id}"`), to);
  }
  await writeFile(join(dir, 'manifest.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  return dir;
}

async function walk(root: string): Promise<{ path: string; bytes: number }[]> {
  const out: { path: string; bytes: number }[] = [];
  for (const e of await readdir(root, { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || e.name.startsWith('.')) continue;
    const full = join(e.parentPath, e.name);
    out.push({ path: relative(root, full).split(sep).join('/'), bytes: (await stat(full)).size });
  }
  return out.sort((a, b) => a.path.localeCompare(b.path));
}

function memo<T>(f: (key: string) => Promise<T>): (key: string) => Promise<T> {
  const seen = new Map<string, Promise<T>>();
  return (key) => {
    if (!seen.has(key)) seen.set(key, f(key));
    return seen.get(key)!;
  };
}
