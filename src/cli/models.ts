// `latent-loom models list|add|verify`: the model manager on the command line.
import { rm } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { PROJECT_MODEL_ROOTS } from '../runtime/node.ts';
import { diskFile, userModelRoots, userModelsDir } from '../models/disk.ts';
import { scanModelFolders } from '../runtime/modelFolders.ts';
import { download } from '../models/download.ts';
import { idFromName, importModel } from '../models/importModel.ts';
import { fileTarget } from '../models/nodeDownload.ts';
import { copyModel, diskSource } from '../models/nodeSource.ts';
import { formatBytes } from '../models/format.ts';
import { verifyModel } from '../models/verify.ts';
import { modelBytes } from '../runtime/manifest.ts';
import { flag, type Args } from './args.ts';

export const MODELS_USAGE = `  latent-loom models list [--models DIR]
  latent-loom models add PATH|URL [--to DIR] [--url URL] [--id ID]
  latent-loom models verify [ID] [--models DIR]`;

export async function modelsCommand(args: Args, log: (line: string) => void): Promise<number> {
  const [sub, ...rest] = args.positionals;
  switch (sub) {
    case 'list': return list(args, log);
    case 'add': return add(rest[0], args, log);
    case 'verify': return verify(rest[0], args, log);
    default:
      log(`${sub ? `unknown models command "${sub}"\n` : ''}usage:\n${MODELS_USAGE}`);
      return 2;
  }
}

/** --models DIR (repeatable) first, then the user's folder, then the bundled and test models. */
function roots(args: Args): string[] {
  return [...(args.flags.get('models') ?? []).map((d) => resolve(d)), ...userModelRoots(), ...PROJECT_MODEL_ROOTS];
}

async function list(args: Args, log: (line: string) => void): Promise<number> {
  const models = await scanModelFolders(roots(args));
  const rows = models.map(({ manifest: m }) => [m.id, m.kind, formatBytes(modelBytes(m)), m.source ?? 'local']);
  const header = ['id', 'kind', 'size', 'source'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows]) log(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  '));
  return 0;
}

async function add(path: string | undefined, args: Args, log: (line: string) => void): Promise<number> {
  if (!path) throw new Error(`usage:\n${MODELS_USAGE}`);
  const dest = resolve(flag(args, 'to') ?? userModelsDir());
  const url = /^https?:\/\//.test(path) ? path : flag(args, 'url');
  const local = url === path ? await fetchFile(url, dest, log) : resolve(path);
  const src = await diskSource(local);
  const { manifest, known } = await importModel(src, { id: flag(args, 'id'), source: url });
  const taken = (await scanModelFolders(roots(args))).find((m) => m.manifest.id === manifest.id);
  if (taken && !taken.dir.startsWith(dest)) log(`note: "${manifest.id}" also names the model in ${taken.dir}; the one in --models or your folder wins`);
  const dir = await copyModel(src, manifest, dest);
  log(`added ${manifest.id} (${manifest.kind}, ${files(manifest.files.length)}, ${formatBytes(modelBytes(manifest))}) to ${dir}`);
  for (const k of known) log(`  matches ${k}`);
  if (url === path) await rm(dirname(local), { recursive: true });
  return 0;
}

/** Downloads one file into DIR/.downloads/, resuming a partial one left by an earlier try. */
async function fetchFile(url: string, dest: string, log: (line: string) => void): Promise<string> {
  const name = decodeURIComponent(new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? 'model.onnx');
  const file = join(dest, '.downloads', idFromName(name), name);
  let shown = -1;
  const result = await download(url, fileTarget(file), {
    onProgress: ({ received, total }) => {
      const tenth = total ? Math.floor((received / total) * 10) : -1;
      if (tenth > shown) {
        shown = tenth;
        log(`${name}: ${formatBytes(received)}${total ? ` of ${formatBytes(total)}` : ''}`);
      }
    },
  });
  log(`downloaded ${name} (${formatBytes(result.bytes)}${result.resumed ? ', resumed' : ''})`);
  return file;
}

async function verify(id: string | undefined, args: Args, log: (line: string) => void): Promise<number> {
  const models = await scanModelFolders(roots(args));
  const chosen = id ? models.filter((m) => m.manifest.id === id) : models;
  if (id && chosen.length === 0) throw new Error(`unknown model "${id}" (known: ${models.map((m) => m.manifest.id).join(', ') || 'none'})`);
  let failed = 0;
  for (const { dir, manifest } of chosen) {
    const problem = await verifyModel(manifest, diskFile(dir));
    if (problem) failed++;
    log(problem ? `error: ${problem} (in ${dir})` : `ok ${manifest.id} (${files(manifest.files.length)})`);
  }
  return failed ? 1 : 0;
}

const files = (n: number) => `${n} file${n === 1 ? '' : 's'}`;
