// `latent-loom models list|add|verify`: the model manager on the command line.
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, rename, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { quote } from '../graph/text.ts';
import { PROJECT_MODEL_ROOTS } from '../runtime/node.ts';
import { makeDirectory } from '../runtime/paths.ts';
import { diskFile, userModelRoots, userModelsDir } from '../models/disk.ts';
import { scanModelFolders } from '../runtime/modelFolders.ts';
import { download } from '../models/download.ts';
import { importModel } from '../models/importModel.ts';
import { KNOWN_MODELS } from '../models/known.ts';
import { fileNameFromUrl, modelIdProblem } from '../models/names.ts';
import { fileTarget } from '../models/nodeDownload.ts';
import { copyModel, diskSource } from '../models/nodeSource.ts';
import { formatBytes } from '../runtime/format.ts';
import { verifyModel } from '../models/verify.ts';
import { modelBytes } from '../runtime/manifest.ts';
import { checkFlags, flag, UsageError, wantsHelp, type Args } from './args.ts';

export const MODELS_USAGE = `  latent-loom models list [--models DIR]...
  latent-loom models add PATH|URL [--to DIR] [--url URL] [--id ID]
  latent-loom models verify [ID] [--models DIR]...

  list     every model run can use: --models folders, your folder, then the bundled ones
  add      recognises a model folder or .onnx file (or downloads one from an http(s) URL, resuming an
           interrupted download) and copies it with a manifest.json into --to (default
           ${userModelsDir()}, or $LATENT_LOOM_MODELS); --id names it (letters, digits, '.', '_', '-')
  verify   checks every file's size and sha256 against its manifest`;

const FLAGS: Record<string, string[]> = { list: ['models'], add: ['to', 'url', 'id'], verify: ['models'] };

export async function modelsCommand(args: Args, log: (line: string) => void): Promise<number> {
  const [sub, ...rest] = args.positionals;
  if (wantsHelp(args)) {
    log(`usage:\n${MODELS_USAGE}`);
    return 0;
  }
  if (sub !== undefined && Object.hasOwn(FLAGS, sub)) checkFlags(args, FLAGS[sub], MODELS_USAGE);
  switch (sub) {
    case 'list': return list(args, log);
    case 'add': return add(rest[0], args, log);
    case 'verify': return verify(rest[0], args, log);
    default:
      log(`${sub ? `unknown models command ${quote(sub)}\n` : ''}usage:\n${MODELS_USAGE}`);
      return 2;
  }
}

/** --models DIR (repeatable) first, then the user's folder, then the bundled and test models. */
function roots(args: Args): string[] {
  return [...(args.flags.get('models') ?? []).map((d) => resolve(d)), ...userModelRoots(), ...PROJECT_MODEL_ROOTS];
}

/** The model folders under the roots; one whose manifest cannot be read is named in a warning and skipped. */
function scan(args: Args, log: (line: string) => void) {
  return scanModelFolders(roots(args), (w) => log(`warning: ${w}`));
}

async function list(args: Args, log: (line: string) => void): Promise<number> {
  const models = await scan(args, log);
  const rows = models.map(({ manifest: m }) => [m.id, m.kind, formatBytes(modelBytes(m)), m.source ?? 'local']);
  const header = ['id', 'kind', 'size', 'source'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  for (const r of [header, ...rows]) log(r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  '));
  return 0;
}

async function add(path: string | undefined, args: Args, log: (line: string) => void): Promise<number> {
  if (!path) throw new UsageError(`usage:\n${MODELS_USAGE}`);
  const id = flag(args, 'id');
  const idProblem = id === undefined ? null : modelIdProblem(id);
  if (idProblem) throw new UsageError(`--id: ${idProblem}`);
  const dest = await makeDirectory(resolve(flag(args, 'to') ?? userModelsDir()), 'models folder');
  const url = /^https?:\/\//i.test(path) ? path : flag(args, 'url');
  if (url !== path) return addLocal(resolve(path), url, id, dest, args, log);
  // A download: fetched into DIR/.downloads/ under a name of our own making, then imported from a
  // private folder this command creates, and only that folder is removed afterwards.
  const part = await fetchFile(url, dest, log);
  const work = await mkdtemp(join(await downloadsDir(dest), 'import-'));
  const file = join(work, fileNameFromUrl(url));
  await rename(part, file);
  let added = false;
  try {
    await addLocal(file, url, id, dest, args, log);
    added = true;
    return 0;
  } finally {
    // Not imported: the file goes back where the next try finds it, whole.
    if (!added) await rename(file, part).catch(() => undefined);
    await rm(work, { recursive: true, force: true });
  }
}

async function addLocal(local: string, url: string | undefined, id: string | undefined, dest: string, args: Args, log: (line: string) => void): Promise<number> {
  const src = await diskSource(local);
  const { manifest, known } = await importModel(src, { id, source: url });
  const problem = modelIdProblem(manifest.id);
  if (problem) throw new Error(`${problem}; choose another with --id`);
  const taken = (await scan(args, log)).find((m) => m.manifest.id === manifest.id);
  if (taken && !taken.dir.startsWith(dest)) log(`note: ${quote(manifest.id)} also names the model in ${taken.dir}; the one in --models or your folder wins`);
  const dir = await copyModel(src, manifest, dest);
  log(`added ${manifest.id} (${manifest.kind}, ${files(manifest.files.length)}, ${formatBytes(modelBytes(manifest))}) to ${dir}`);
  for (const k of known) log(`  matches ${k}`);
  return 0;
}

/** DIR/.downloads, made by us: a real folder, not a link to somewhere else. */
async function downloadsDir(dest: string): Promise<string> {
  const dir = join(dest, '.downloads');
  await mkdir(dir, { mode: 0o700 }).catch((e: NodeJS.ErrnoException) => { if (e.code !== 'EEXIST') throw e; });
  const info = await lstat(dir);
  if (!info.isDirectory()) throw new Error(`${dir} is not a folder; remove it and try again`);
  return dir;
}

/** The largest download whose size nothing tells: bigger than any supported model file. */
const MAX_UNKNOWN_DOWNLOAD = 32 * 2 ** 30;

/**
 * Downloads one file to DIR/.downloads/<hash of the URL>.part, resuming a partial one left by an
 * earlier try. The name holds nothing from the URL, so the URL cannot choose where it goes.
 */
async function fetchFile(url: string, dest: string, log: (line: string) => void): Promise<string> {
  const name = fileNameFromUrl(url);
  const part = join(await downloadsDir(dest), `${createHash('sha256').update(url).digest('hex').slice(0, 32)}.part`);
  // A known public export gives the size to expect; otherwise the server's identity length, under a cap.
  const knownFile = KNOWN_MODELS.flatMap((m) => m.files).find((f) => f.url === url);
  const cap = knownFile?.maxBytes ?? (knownFile?.approxBytes ? Math.ceil(knownFile.approxBytes * 1.1) : MAX_UNKNOWN_DOWNLOAD);
  let shown = -1;
  const result = await download(url, fileTarget(part), {
    expectedBytes: knownFile?.bytes,
    maxBytes: cap,
    onProgress: ({ received, total }) => {
      const tenth = total ? Math.floor((received / total) * 10) : -1;
      if (tenth > shown) {
        shown = tenth;
        log(`${name}: ${formatBytes(received)}${total ? ` of ${formatBytes(total)}` : ''}`);
      }
    },
  });
  log(`downloaded ${name} (${formatBytes(result.bytes)}${result.resumed ? ', resumed' : ''})`);
  return part;
}

async function verify(id: string | undefined, args: Args, log: (line: string) => void): Promise<number> {
  const models = await scan(args, log);
  const chosen = id ? models.filter((m) => m.manifest.id === id) : models;
  if (id && chosen.length === 0) {
    const names = models.map((m) => m.manifest.id);
    throw new Error(`unknown model ${quote(id)} (known: ${names.slice(0, 20).join(', ') || 'none'}${names.length > 20 ? ', …' : ''})`);
  }
  let failed = 0;
  for (const { dir, manifest } of chosen) {
    const problem = await verifyModel(manifest, diskFile(dir, manifest.id)).catch((e: Error) => e.message);
    if (problem) failed++;
    log(problem ? `error: ${problem} (in ${dir})` : `ok ${manifest.id} (${files(manifest.files.length)})`);
  }
  return failed ? 1 : 0;
}

const files = (n: number) => `${n} file${n === 1 ? '' : 's'}`;
