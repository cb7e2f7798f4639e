// Connection rules as small pure functions that return a reason, so the canvas can say why a wire is refused.
import { ANY_TYPE, typesCompatible, type Catalog, type PortSpec } from './catalog.ts';
import { descendants } from './topo.ts';
import { own, quote } from './text.ts';
import type { GraphDoc, GraphEdge, GraphNode, PortRef } from './types.ts';

export type Validity = { ok: true } | { ok: false; reason: string };

const OK: Validity = { ok: true };
const refuse = (reason: string): Validity => ({ ok: false, reason });

/** The spec of a node's port, or a reason it does not exist. */
export function findPort(
  doc: Pick<GraphDoc, 'nodes'>, catalog: Catalog, ref: PortRef, side: 'inputs' | 'outputs',
): { spec: PortSpec } | { reason: string } {
  return nodePort(doc.nodes.find((n) => n.id === ref.node), catalog, ref, side);
}

/** The same, for a node already looked up (undefined when there is none). Ports are own names only. */
export function nodePort(
  node: Pick<GraphNode, 'type'> | undefined, catalog: Catalog, ref: PortRef, side: 'inputs' | 'outputs',
): { spec: PortSpec } | { reason: string } {
  if (!node) return { reason: `node ${quote(ref.node)} does not exist` };
  const schema = catalog.get(node.type);
  if (!schema) return { reason: `node ${quote(ref.node)} has unknown type ${quote(node.type)}` };
  const spec = own(schema[side], ref.port);
  if (!spec) {
    const names = Object.keys(schema[side]);
    const kind = side === 'inputs' ? 'input' : 'output';
    return { reason: `${schema.title} (${quote(ref.node)}) has no ${kind} ${quote(ref.port)} (it has: ${names.join(', ') || 'none'})` };
  }
  return { spec };
}

type Wiring = Pick<GraphDoc, 'nodes' | 'edges'>;

/** The ANY input of a node type (a reroute's `in`), if it has one. */
function anyInput(doc: Wiring, catalog: Catalog, nodeId: string): string | undefined {
  const type = doc.nodes.find((n) => n.id === nodeId)?.type;
  const schema = type === undefined ? undefined : catalog.get(type);
  return schema && Object.keys(schema.inputs).find((k) => schema.inputs[k].type === ANY_TYPE);
}

/** What an output carries: its declared type, or for an ANY output what is wired into its node's ANY input (through reroutes); ANY when nothing is. */
export function carriedType(doc: Wiring, catalog: Catalog, from: PortRef, declared: string, seen = new Set<string>()): string {
  if (declared !== ANY_TYPE || seen.has(from.node)) return declared;
  seen.add(from.node);
  const port = anyInput(doc, catalog, from.node);
  const e = port === undefined ? undefined : doc.edges.find((x) => x.to.node === from.node && x.to.port === port);
  if (!e) return ANY_TYPE;
  const source = findPort(doc, catalog, e.from, 'outputs');
  return 'reason' in source ? ANY_TYPE : carriedType(doc, catalog, e.from, source.spec.type, seen);
}

/** The types what goes into a node's ANY input must fit: the inputs its ANY outputs feed (through reroutes). */
export function demandedTypes(doc: Wiring, catalog: Catalog, nodeId: string, seen = new Set<string>()): string[] {
  if (seen.has(nodeId)) return [];
  seen.add(nodeId);
  const out: string[] = [];
  for (const e of doc.edges) {
    if (e.from.node !== nodeId) continue;
    const target = findPort(doc, catalog, e.to, 'inputs');
    if ('reason' in target) continue;
    if (target.spec.type === ANY_TYPE) out.push(...demandedTypes(doc, catalog, e.to.node, seen));
    else out.push(target.spec.type);
  }
  return out;
}

/** The type rule with reroutes seen through: what the source carries must fit the input, or what a reroute's outputs feed. */
export function carriedTypeRule(doc: Wiring, catalog: Catalog, from: PortRef, fromSpec: PortSpec, to: PortRef, toSpec: PortSpec): Validity {
  const carried = carriedType(doc, catalog, from, fromSpec.type);
  if (toSpec.type !== ANY_TYPE) return typeRule({ ...fromSpec, type: carried }, toSpec, catalog);
  for (const wanted of demandedTypes(doc, catalog, to.node)) {
    if (!typesCompatible(carried, wanted, catalog)) return refuse(`${carried} cannot feed ${wanted} (through the reroute)`);
  }
  return OK;
}

export function typeRule(from: PortSpec, to: PortSpec, catalog: Pick<Catalog, 'coercions'>): Validity {
  return typesCompatible(from.type, to.type, catalog) ? OK : refuse(`${from.type} cannot feed ${to.type}`);
}

export function selfRule(from: PortRef, to: PortRef): Validity {
  return from.node === to.node ? refuse('a node cannot feed itself') : OK;
}

export function inputTakenRule(edges: readonly GraphEdge[], to: PortRef): Validity {
  const taken = edges.find((e) => e.to.node === to.node && e.to.port === to.port);
  return taken ? refuse(`input ${quote(to.port)} of ${quote(to.node)} already has a wire (from ${quote(taken.from.node)})`) : OK;
}

export function cycleRule(edges: readonly GraphEdge[], from: PortRef, to: PortRef): Validity {
  return descendants([to.node], edges).has(from.node)
    ? refuse(`the wire would make a cycle (${quote(from.node)} already depends on ${quote(to.node)})`)
    : OK;
}

/**
 * Every rule a new wire must pass, in the order a person would want to hear about them. `ignoreEdge` is a
 * wire being moved: it neither takes the input nor closes a cycle.
 */
export function checkConnection(doc: GraphDoc, catalog: Catalog, from: PortRef, to: PortRef, ignoreEdge?: string): Validity {
  const self = selfRule(from, to);
  if (!self.ok) return self;
  const source = findPort(doc, catalog, from, 'outputs');
  if ('reason' in source) return refuse(source.reason);
  const target = findPort(doc, catalog, to, 'inputs');
  if ('reason' in target) return refuse(target.reason);
  const edges = ignoreEdge === undefined ? doc.edges : doc.edges.filter((e) => e.id !== ignoreEdge);
  const wiring = { nodes: doc.nodes, edges };
  for (const v of [carriedTypeRule(wiring, catalog, from, source.spec, to, target.spec), inputTakenRule(edges, to), cycleRule(edges, from, to)]) {
    if (!v.ok) return v;
  }
  return OK;
}
