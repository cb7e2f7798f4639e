// Node only: paths named by a manifest, a graph or a URL, kept inside the folder they belong to, and
// folders made without following a path anywhere it should not go.
import { lstat, mkdir, stat } from 'node:fs/promises';
import { dirname, isAbsolute, relative, resolve } from 'node:path';
import { quote } from '../graph/text.ts';

/**
 * `path` ('/'-separated, relative) resolved inside `dir`, or null when it is absolute, empty, has a
 * "." or ".." or empty segment, or would land outside. The one containment rule for manifest file
 * paths and output files.
 */
export function insideFolder(dir: string, path: string): string | null {
  if (path === '' || path.includes('\0') || path.includes('\\') || isAbsolute(path) || /^[A-Za-z]:/.test(path)) return null;
  if (path.split('/').some((s) => s === '' || s === '.' || s === '..')) return null;
  const root = resolve(dir);
  const full = resolve(root, ...path.split('/'));
  const rel = relative(root, full);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? full : null;
}

/** insideFolder, or an error naming `what` (a model, a node) and the path. */
export function containedPath(dir: string, path: string, what: string): string {
  const full = insideFolder(dir, path);
  if (full === null) throw new Error(`${what}: file path ${quote(path)} leaves its folder`);
  return full;
}

/**
 * Makes `dir` and its missing parents, one level at a time, and checks it is a directory. Node's
 * recursive mkdir never returns on some paths (under /proc, for one), so it is not used here.
 */
export async function makeDirectory(dir: string, what: string): Promise<string> {
  const full = resolve(dir);
  const missing: string[] = [];
  let at = full;
  for (;;) {
    const info = await stat(at).catch((e: NodeJS.ErrnoException) => (e.code === 'ENOENT' ? null : Promise.reject(cannot(what, full, e))));
    if (info) {
      if (!info.isDirectory()) throw new Error(`${what} ${quote(full, 200)} cannot be made: ${quote(at, 200)} is not a folder`);
      break;
    }
    missing.push(at);
    const up = dirname(at);
    if (up === at) break;
    at = up;
  }
  for (const d of missing.reverse()) {
    await mkdir(d).catch((e: NodeJS.ErrnoException) => (e.code === 'EEXIST' ? undefined : Promise.reject(cannot(what, full, e))));
  }
  const made = await lstat(full).catch((e: NodeJS.ErrnoException) => Promise.reject(cannot(what, full, e)));
  if (!made.isDirectory()) throw new Error(`${what} ${quote(full, 200)} is not a folder`);
  return full;
}

function cannot(what: string, dir: string, e: NodeJS.ErrnoException): Error {
  return new Error(`${what} ${quote(dir, 200)} cannot be made (${e.code ?? e.message})`);
}
