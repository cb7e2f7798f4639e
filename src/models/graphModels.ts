// The models a graph uses: written into the document's `models` field when it is saved, and checked
// against the store when it is opened. Nothing here downloads; it only says what is missing and where from.
import type { Catalog } from '../graph/catalog.ts';
import { clip, own, quote } from '../graph/text.ts';
import type { GraphDoc, ModelRef } from '../graph/types.ts';
import { modelBytes, modelHash, type ModelManifest } from '../runtime/manifest.ts';
import type { ModelStore } from '../runtime/runtime.ts';

/** Model ids named by params of kind "model" (the loader nodes), with the nodes that name them. */
export function modelIdsInGraph(doc: GraphDoc, catalog: Catalog): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const node of doc.nodes) {
    const params = catalog.get(node.type)?.params ?? {};
    for (const [name, spec] of Object.entries(params)) {
      const id = node.params[name];
      if (spec.kind !== 'model' || typeof id !== 'string' || !id) continue;
      out.set(id, [...(out.get(id) ?? []), node.id]);
    }
  }
  return out;
}

/** The document's `models` field: each model the graph uses, by id, with its hash, size and source URL. */
export async function graphModelRefs(doc: GraphDoc, catalog: Catalog, store: ModelStore): Promise<Record<string, ModelRef>> {
  const stored = new Map((await store.list()).map((m) => [m.id, m]));
  // Ids come from the document: kept in a Map, so "__proto__" or "toString" are plain names.
  const out = new Map<string, ModelRef>();
  for (const id of modelIdsInGraph(doc, catalog).keys()) {
    const manifest = stored.get(id);
    // A model the store lacks keeps whatever the document already knew about it.
    if (!manifest) {
      const known = recordedRef(doc, id);
      if (known) out.set(id, known);
      continue;
    }
    const ref: ModelRef = { id, sha256: await modelHash(manifest), bytes: modelBytes(manifest) };
    if (isUrl(manifest.source)) ref.url = manifest.source;
    out.set(id, ref);
  }
  return Object.fromEntries(out);
}

export interface MissingModel {
  id: string;
  /** "missing": no model with this id; "different": one with this id, but other content. */
  problem: 'missing' | 'different';
  usedBy: string[];
  url?: string;
  bytes?: number;
  message: string;
}

/** The graph's models the store lacks (or holds with other content than the document recorded). */
export async function missingModels(doc: GraphDoc, catalog: Catalog, store: ModelStore): Promise<MissingModel[]> {
  const stored = new Map((await store.list()).map((m) => [m.id, m]));
  const out: MissingModel[] = [];
  for (const [id, usedBy] of modelIdsInGraph(doc, catalog)) {
    const ref = recordedRef(doc, id);
    const manifest = stored.get(id);
    const where = ref?.url ? `; get it from ${clip(ref.url, 200)}` : '';
    const size = ref?.bytes !== undefined ? ` (${ref.bytes} bytes)` : '';
    const nodes = `used by ${usedBy.slice(0, 10).map((n) => quote(n)).join(', ')}${usedBy.length > 10 ? ` and ${usedBy.length - 10} more` : ''}`;
    if (!manifest) {
      out.push({ id, problem: 'missing', usedBy, url: ref?.url, bytes: ref?.bytes, message: `model ${quote(id)}${size} is not installed, ${nodes}${where}` });
    } else if (ref?.sha256 && ref.sha256 !== (await modelHash(manifest))) {
      out.push({ id, problem: 'different', usedBy, url: ref.url, bytes: ref.bytes, message: `model ${quote(id)} is installed with other content than this graph was made with, ${nodes}${where}` });
    }
  }
  return out;
}

/** What the document recorded about model `id`: its own entry only, never an inherited property. */
function recordedRef(doc: GraphDoc, id: string): ModelRef | undefined {
  return doc.models ? own(doc.models, id) : undefined;
}

function isUrl(s: string | undefined): s is string {
  return !!s && /^https?:\/\//.test(s);
}
