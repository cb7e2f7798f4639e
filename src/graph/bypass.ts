// Bypassed nodes stay in the document but do not run: each of their outputs is fed, instead, by
// whatever feeds their first input of the same type. The executor runs the graph with them wired
// around, so downstream cache keys are those of the graph without them.
import { typesCompatible, type Catalog } from './catalog.ts';
import { own, quote } from './text.ts';
import type { GraphDoc, GraphEdge, GraphNode, PortRef, Problem } from './types.ts';

/** The document's nodes by id and the first edge into each input, so lookups cost nothing per node. */
interface Index { nodes: Map<string, GraphNode>; feeds: Map<string, GraphEdge> }

function index(doc: GraphDoc): Index {
  const nodes = new Map<string, GraphNode>();
  for (const n of doc.nodes) if (!nodes.has(n.id)) nodes.set(n.id, n);
  const feeds = new Map<string, GraphEdge>();
  for (const e of doc.edges) {
    const key = `${e.to.node}\u0000${e.to.port}`;
    if (!feeds.has(key)) feeds.set(key, e);
  }
  return { nodes, feeds };
}

/** Where a bypassed node's output gets its value: the source of a connected input of its type. */
function passThrough(at: Index, catalog: Catalog, ref: PortRef): PortRef | { problem: Problem } {
  const node = at.nodes.get(ref.node)!;
  const schema = catalog.get(node.type)!;
  const type = own(schema.outputs, ref.port)!.type;
  for (const [port, spec] of Object.entries(schema.inputs)) {
    if (!typesCompatible(spec.type, type, catalog)) continue;
    const feed = at.feeds.get(`${node.id}\u0000${port}`);
    if (feed) return feed.from;
  }
  return {
    problem: {
      code: 'bypass-no-input', node: node.id, port: ref.port,
      message: `${schema.title} (${quote(node.id)}) is bypassed, but its output "${ref.port}" (${type}) has no connected input of that type to pass on; connect one or turn bypass off`,
    },
  };
}

/** Problems of bypassed nodes whose used outputs cannot be passed through. */
export function bypassProblems(doc: GraphDoc, catalog: Catalog): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  const bypassed = new Map(doc.nodes.filter((n) => n.bypass).map((n) => [n.id, n]));
  if (bypassed.size === 0) return problems;
  const at = index(doc);
  for (const e of doc.edges) {
    const from = bypassed.get(e.from.node);
    const outputs = from && catalog.get(from.type)?.outputs;
    if (!outputs || !own(outputs, e.from.port)) continue;
    const key = `${e.from.node}\u0000${e.from.port}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const source = passThrough(at, catalog, e.from);
    if ('problem' in source) problems.push(source.problem);
  }
  return problems;
}

/** The document with bypassed nodes removed and wires rerouted around them (chains of them too). */
export function withoutBypassed(doc: GraphDoc, catalog: Catalog): GraphDoc {
  if (!doc.nodes.some((n) => n.bypass)) return doc;
  const bypassed = new Set(doc.nodes.filter((n) => n.bypass).map((n) => n.id));
  const at = index(doc);
  // Every output on a chain of bypassed nodes is resolved once (the walk's whole path takes its end), so
  // long chains with readers along them stay linear.
  const resolved = new Map<string, PortRef | undefined>();
  const keyOf = (ref: PortRef) => `${ref.node}\u0000${ref.port}`;
  const resolve = (start: PortRef): PortRef | undefined => {
    const path: string[] = [];
    let ref: PortRef | undefined = start;
    while (ref && bypassed.has(ref.node)) {
      const key = keyOf(ref);
      if (resolved.has(key)) { ref = resolved.get(key); break; }
      if (path.length > doc.nodes.length) { ref = undefined; break; } // a cycle; validation reports it
      path.push(key);
      const source = passThrough(at, catalog, ref);
      ref = 'problem' in source ? undefined : source;
    }
    for (const key of path) resolved.set(key, ref);
    return ref;
  };
  const edges: GraphEdge[] = [];
  for (const e of doc.edges) {
    if (bypassed.has(e.to.node)) continue;
    const from = resolve(e.from);
    if (from) edges.push(from === e.from ? e : { ...e, from });
  }
  return { ...doc, nodes: doc.nodes.filter((n) => !bypassed.has(n.id)), edges };
}
