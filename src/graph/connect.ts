// Connection rules as small pure functions that return a reason, so the canvas can say why a wire is refused.
import { typesCompatible, type Catalog, type PortSpec } from './catalog.ts';
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
  for (const v of [typeRule(source.spec, target.spec, catalog), inputTakenRule(edges, to), cycleRule(edges, from, to)]) {
    if (!v.ok) return v;
  }
  return OK;
}
