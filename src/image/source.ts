// Where a Load Image param points: a file path (CLI), an uploaded file (`upload:<sha256>`, browser), or a
// `data:` URL (anywhere). One string param covers all three, so graphs stay plain JSON.
import { sha256Hex } from '../runtime/sha256.ts';

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
  return ref.kind === 'path' ? `file "${ref.path}"` : ref.kind === 'upload' ? `uploaded file "${ref.name}"` : `data URL (${ref.mime || 'no type'})`;
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

async function readPath(path: string): Promise<Uint8Array> {
  if (typeof process === 'undefined' || !process.versions?.node) {
    throw new Error(`file paths ("${path}") work only in the CLI; in the app pick or drop the file instead`);
  }
  const fs = (await import(/* @vite-ignore */ FS)) as typeof import('node:fs/promises');
  try {
    return new Uint8Array(await fs.readFile(path));
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `file "${path}" does not exist` : `file "${path}" cannot be read (${code ?? (e as Error).message})`);
  }
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
