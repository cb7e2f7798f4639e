// Save can put the input images a graph uses into the file (as data: URLs in the Load Image params), so
// the file runs in another browser or on another machine. Small ones by default: an image over
// SMALL_IMAGE_BYTES stays a reference to this browser's copy unless the person asks for it too.
import type { GraphDoc } from '../../graph/index.ts';
import { parseImageRef, readImageRef } from '../../image/source.ts';
import { registry } from '../catalog.ts';

export const SMALL_IMAGE_BYTES = 1024 * 1024;

export interface InputImage { nodeId: string; param: string; name: string; bytes: number }

const MIME: Record<string, string> = { png: 'image/png', jpg: 'image/jpeg', jpeg: 'image/jpeg', webp: 'image/webp' };
const mimeOf = (name: string): string => MIME[name.split('.').pop()?.toLowerCase() ?? ''] ?? 'application/octet-stream';

function uploadParams(doc: GraphDoc): { nodeId: string; param: string; value: string }[] {
  const out: { nodeId: string; param: string; value: string }[] = [];
  for (const node of doc.nodes) {
    const def = registry.get(node.type);
    if (!def) continue;
    for (const [param, spec] of Object.entries(def.params)) {
      const value = node.params[param];
      if (spec.kind === 'string' && spec.widget === 'image-file' && typeof value === 'string' && value.startsWith('upload:')) out.push({ nodeId: node.id, param, value });
    }
  }
  return out;
}

/** The images the graph reads from this browser's storage, with their sizes (those no longer stored are left out). */
export async function inputImages(doc: GraphDoc): Promise<InputImage[]> {
  const found: InputImage[] = [];
  for (const u of uploadParams(doc)) {
    const ref = parseImageRef(u.value);
    if (ref.kind !== 'upload') continue;
    try {
      found.push({ nodeId: u.nodeId, param: u.param, name: ref.name, bytes: (await readImageRef(ref)).length });
    } catch { /* not stored here: nothing to embed */ }
  }
  return found;
}

function base64(bytes: Uint8Array): string {
  let s = '';
  for (let i = 0; i < bytes.length; i += 0x8000) s += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(s);
}

/** The document with its input images inside, up to `maxBytes` each. */
export async function embedImages(doc: GraphDoc, maxBytes = SMALL_IMAGE_BYTES): Promise<{ doc: GraphDoc; embedded: number }> {
  const values = new Map<string, string>();
  for (const u of uploadParams(doc)) {
    const ref = parseImageRef(u.value);
    if (ref.kind !== 'upload') continue;
    let bytes: Uint8Array;
    try { bytes = await readImageRef(ref); } catch { continue; }
    if (bytes.length > maxBytes) continue;
    values.set(`${u.nodeId}\u0000${u.param}`, `data:${mimeOf(ref.name)};name=${encodeURIComponent(ref.name)};base64,${base64(bytes)}`);
  }
  if (values.size === 0) return { doc, embedded: 0 };
  const nodes = doc.nodes.map((n) => {
    const changed = Object.keys(n.params).filter((p) => values.has(`${n.id}\u0000${p}`));
    if (changed.length === 0) return n;
    return { ...n, params: { ...n.params, ...Object.fromEntries(changed.map((p) => [p, values.get(`${n.id}\u0000${p}`)!])) } };
  });
  return { doc: { ...doc, nodes }, embedded: values.size };
}
