// Where a Load Image param points: a file path (CLI), an uploaded file (`upload:<sha256>`, browser), or a
// `data:` URL (anywhere). One string param covers all three, so graphs stay plain JSON.
import { clip, quote } from '../graph/text.ts';
import { sha256Hex } from '../runtime/sha256.ts';
import { MAX_IMAGE_FILE_BYTES } from './limits.ts';

export type ImageRef =
  | { kind: 'path'; path: string }
  | { kind: 'upload'; sha256: string; name: string }
  | { kind: 'data'; mime: string; base64: boolean; payload: string };

export function parseImageRef(ref: string): ImageRef {
  if (ref.startsWith('upload:')) {
    const m = /^upload:([0-9a-f]{64})(?:\/(.*))?$/.exec(ref);
    if (!m) throw new Error(`"${short(ref)}" is not an upload reference (upload:<sha256>/<name>)`);
    return { kind: 'upload', sha256: m[1], name: m[2] ?? m[1].slice(0, 12) };
  }
  if (ref.startsWith('data:')) {
    const comma = ref.indexOf(',');
    if (comma < 0) throw new Error('data URL has no comma');
    const meta = ref.slice(5, comma).split(';');
    return { kind: 'data', mime: meta[0], base64: meta.includes('base64'), payload: ref.slice(comma + 1) };
  }
  return { kind: 'path', path: ref };
}

/** A short name for messages. */
export function refLabel(ref: ImageRef): string {
  return ref.kind === 'path' ? `file ${quote(ref.path)}` : ref.kind === 'upload' ? `uploaded file ${quote(ref.name)}` : `data URL (${clip(ref.mime) || 'no type'})`;
}

export async function readImageRef(ref: ImageRef): Promise<Uint8Array> {
  switch (ref.kind) {
    case 'data':
      return ref.base64 ? base64Bytes(ref.payload) : new TextEncoder().encode(decodeURIComponent(ref.payload));
    case 'upload': {
      const bytes = await uploads.get(ref.sha256);
      if (!bytes) throw new Error(`${refLabel(ref)} is not stored here any more; pick the file again`);
      return bytes;
    }
    case 'path':
      return readPath(ref.path);
  }
}

// A variable specifier keeps bundlers from resolving Node's fs for the browser build.
const FS = 'node:fs/promises';
const FS_SYNC = 'node:fs';

async function readPath(path: string): Promise<Uint8Array> {
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new Error(`file paths (${quote(path)}) work only in the CLI; in the app pick or drop the file instead`);
  }
  return readLocalFile(path, MAX_IMAGE_FILE_BYTES, 'file');
}

/**
 * A local file's bytes (Node only), refused unless it is a regular file of at most `maxBytes`: a
 * device (/dev/zero), a pipe or a socket never ends or never answers. The file is opened without
 * blocking (a FIFO with no writer would wait forever) and checked with fstat on the open handle, so it
 * cannot be swapped between the check and the read.
 */
export async function readLocalFile(path: string, maxBytes: number, what: string): Promise<Uint8Array> {
  const fs = (await import(/* @vite-ignore */ FS)) as typeof import('node:fs/promises');
  const { constants } = (await import(/* @vite-ignore */ FS_SYNC)) as typeof import('node:fs');
  const label = `${what} ${quote(path)}`;
  let handle: Awaited<ReturnType<typeof fs.open>>;
  try {
    handle = await fs.open(path, constants.O_RDONLY | (constants.O_NONBLOCK ?? 0));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${label} does not exist` : `${label} cannot be read (${code ?? (e as Error).message})`);
  }
  try {
    const info = await handle.stat();
    if (!info.isFile()) throw new Error(`${label} is not a regular file (${fileKind(info)}); give the path of an ordinary file`);
    if (info.size > maxBytes) throw new Error(`${label} is ${info.size} bytes, over the limit of ${limitText(maxBytes)}`);
    // Read to the end, however the size changed since fstat, but never past the limit.
    const out = new Uint8Array(Math.min(info.size, maxBytes) + 1);
    let have = 0;
    for (;;) {
      if (have === out.length) {
        if (have > maxBytes) throw new Error(`${label} grew past the limit of ${limitText(maxBytes)} while it was read`);
        throw new Error(`${label} changed while it was read`);
      }
      const { bytesRead } = await handle.read(out, have, out.length - have, null);
      if (bytesRead === 0) break;
      have += bytesRead;
    }
    return out.subarray(0, have);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw code ? new Error(`${label} cannot be read (${code})`) : e;
  } finally {
    await handle.close();
  }
}

function limitText(bytes: number): string {
  return bytes >= 2 ** 20 ? `${bytes} bytes (${+(bytes / 2 ** 20).toFixed(1)} MiB)` : `${bytes} bytes`;
}

function fileKind(info: { isDirectory(): boolean; isFIFO(): boolean; isCharacterDevice(): boolean; isBlockDevice(): boolean; isSocket(): boolean }): string {
  if (info.isDirectory()) return 'a folder';
  if (info.isFIFO()) return 'a pipe';
  if (info.isCharacterDevice() || info.isBlockDevice()) return 'a device';
  if (info.isSocket()) return 'a socket';
  return 'not a file';
}

function base64Bytes(text: string): Uint8Array {
  const bin = atob(text);
  const out = new Uint8Array(bin.length);
  for (let i = 0; i < bin.length; i++) out[i] = bin.charCodeAt(i);
  return out;
}

/** Picked or dropped files, by content. The page and the worker share it through Cache Storage. */
interface UploadStore {
  put(sha256: string, bytes: Uint8Array): Promise<void>;
  get(sha256: string): Promise<Uint8Array | undefined>;
}

class MemoryUploads implements UploadStore {
  private readonly files = new Map<string, Uint8Array>();
  async put(sha256: string, bytes: Uint8Array) { this.files.set(sha256, bytes); }
  async get(sha256: string) { return this.files.get(sha256); }
}

class CacheUploads implements UploadStore {
  private url(sha256: string) { return new URL(`/__latent-loom-uploads/${sha256}`, self.location.href).href; }
  async put(sha256: string, bytes: Uint8Array) {
    const cache = await caches.open('latent-loom-uploads');
    await cache.put(this.url(sha256), new Response(bytes as Uint8Array<ArrayBuffer>));
  }
  async get(sha256: string) {
    const hit = await (await caches.open('latent-loom-uploads')).match(this.url(sha256));
    return hit ? new Uint8Array(await hit.arrayBuffer()) : undefined;
  }
}

const uploads: UploadStore = typeof caches !== 'undefined' && typeof self !== 'undefined' ? new CacheUploads() : new MemoryUploads();

/** Stores a picked file and returns the param value that names it. */
export async function putUpload(bytes: Uint8Array, name: string): Promise<string> {
  const sha256 = await sha256Hex(bytes);
  await uploads.put(sha256, bytes);
  return `upload:${sha256}/${name.replace(/[\\/]/g, '_')}`;
}

function short(s: string): string {
  return s.length > 60 ? `${s.slice(0, 60)}…` : s;
}
