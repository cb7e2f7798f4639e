// Opening a graph the way ComfyUI does: a file whose nodes have bad params, unknown types or versions
// this app cannot read still opens, with those nodes kept as they are, marked and explained; wires that
// break the rules (a port that does not exist, a wrong type, a second wire into an input) are left out
// and said. The rest of the graph runs: a run validates only what its outputs need. Only a file that
// is not a graph at all (not JSON, another format, a newer version, a wrong shape, two nodes with one
// id, a cycle) is refused.
import { graphSchemaV1 } from '../../graph/schema.ts';
import {
  checkMeaning, GRAPH_FORMAT, GRAPH_VERSION, loadGraph, migrate, STRUCTURAL_CODES, withDefaults,
  type Catalog, type GraphDoc, type Problem,
} from '../../graph/index.ts';

export type Opened = { ok: true; doc: GraphDoc; marked: Problem[] } | { ok: false; problems: Problem[] };

/** Problems a node can carry in an opened graph (shown on it until fixed). */
export const NODE_CODES = new Set(['unknown-node-type', 'bad-param', 'unknown-param', 'node-version-old', 'node-version-too-new']);
const REFUSED = new Set([...STRUCTURAL_CODES, 'duplicate-node-id', 'cycle']);

export function openLeniently(input: string | unknown, catalog: Catalog): Opened {
  const strict = loadGraph(input, catalog);
  if (strict.ok) return { ok: true, doc: strict.doc, marked: [] };
  if (strict.problems.some((p) => REFUSED.has(p.code))) return { ok: false, problems: strict.problems };
  // Only node and wire problems: the shape is sound, so the document can be read as it is.
  let raw = input;
  if (typeof input === 'string') raw = JSON.parse(input.charCodeAt(0) === 0xfeff ? input.slice(1) : input);
  const migrated = migrate(raw as Record<string, unknown>);
  if (!migrated.ok) return { ok: false, problems: strict.problems };
  const parsed = graphSchemaV1.safeParse({ ...migrated.doc, format: GRAPH_FORMAT, version: GRAPH_VERSION });
  if (!parsed.success) return { ok: false, problems: strict.problems };
  const shaped = withDefaults(parsed.data as GraphDoc, catalog);
  const badEdges = new Set(strict.problems.flatMap((p) => (p.edge !== undefined && p.code !== 'missing-input' ? [p.edge] : [])));
  const doc = { ...shaped, edges: shaped.edges.filter((e) => !badEdges.has(e.id)) };
  const marked = strict.problems.filter((p) => NODE_CODES.has(p.code) || (p.edge !== undefined && badEdges.has(p.edge)));
  return { ok: true, doc, marked };
}

/** A message shown on its own node need not name it: 'node "a" (image.gradient): param "width" must…' says 'param "width" must…'. */
function onNode(message: string): string {
  return message
    .replace(/^node "[^"]*" has unknown type (".*")$/, 'this app has no node type $1')
    .replace(/^node "[^"]*"(?: \([^)]*\))?:? /, '');
}

const cache = new WeakMap<GraphDoc, Map<string, string[]>>();

/** The problems each node of a document has now (unknown type, bad params…), worked out once per document. */
export function nodeProblems(doc: GraphDoc, catalog: Catalog): Map<string, string[]> {
  let found = cache.get(doc);
  if (!found) {
    found = new Map();
    for (const p of checkMeaning(doc, catalog)) {
      if (!p.node || !NODE_CODES.has(p.code)) continue;
      found.set(p.node, [...(found.get(p.node) ?? []), onNode(p.message)]);
    }
    cache.set(doc, found);
  }
  return found;
}
