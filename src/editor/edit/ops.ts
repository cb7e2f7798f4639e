// Every edit the UI makes to the document, each one undo step.
import { checkConnection, defaultParams, typesCompatible, type GraphEdge, type PortRef, type Validity } from '../../graph/index.ts';
import type { NodeDefinition } from '../../kernel/define.ts';
import type { ModelManifest } from '../../runtime/manifest.ts';
import { registry } from '../catalog.ts';
import { isTestModel } from '../devSettings.ts';
import { engineStore } from '../engine/session.ts';
import { freshId } from '../ids.ts';
import { freeSpot, NEW_NODE_SIZE, nodeRects } from '../canvas/placement.ts';
import { edit, endGesture, getDoc } from '../store/graph.ts';
import type { PendingWire } from '../store/ui.ts';
import { select } from '../store/ui.ts';

export function addNode(type: string, at: { x: number; y: number }, pending?: PendingWire, params: Record<string, unknown> = {}): string {
  const def = registry.get(type);
  if (!def) throw new Error(`unknown node type "${type}"`);
  const doc = getDoc();
  const id = freshId('n', doc.nodes.map((n) => n.id));
  const wire = pending && wireFor(pending, id, type);
  // Never on top of another node: moved down past whatever it would cover.
  const spot = freeSpot({ x: at.x, y: at.y, ...NEW_NODE_SIZE }, nodeRects());
  edit((d) => {
    d.nodes.push({ id, type, version: def.version, position: { x: Math.round(spot.x), y: Math.round(spot.y) }, params: { ...defaultParams(def), ...defaultModels(def), ...params } });
    if (wire) d.edges.push({ id: freshId('e', d.edges.map((e) => e.id)), ...wire });
  });
  select([id]);
  return id;
}

/** A new node's empty model pickers take the one real model of their kind, when there is exactly one. */
export function defaultModels(def: NodeDefinition, models: readonly ModelManifest[] = engineStore.get().models): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, spec] of Object.entries(def.params)) {
    if (spec.kind !== 'model' || spec.default) continue;
    const real = models.filter((m) => !isTestModel(m) && (spec.modelKind === 'any' || m.kind === spec.modelKind));
    if (real.length === 1) out[name] = real[0].id;
  }
  return out;
}

/** The wire from a dropped connection to the first compatible port of a new node. */
function wireFor(p: PendingWire, newId: string, type: string): Pick<GraphEdge, 'from' | 'to'> | undefined {
  const def = registry.get(type)!;
  const ports = p.side === 'source' ? def.inputs : def.outputs;
  const port = Object.keys(ports).find((k) => typesCompatible(p.side === 'source' ? p.type : ports[k].type, p.side === 'source' ? ports[k].type : p.type, registry));
  if (!port) return undefined;
  return p.side === 'source' ? { from: { node: p.node, port: p.port }, to: { node: newId, port } } : { from: { node: newId, port }, to: { node: p.node, port: p.port } };
}

/** A new wire; one into an input that already has a wire replaces that wire (one undo step). */
export function connect(from: PortRef, to: PortRef): Validity {
  const doc = getDoc();
  const taken = doc.edges.find((e) => e.to.node === to.node && e.to.port === to.port);
  if (taken) return rewire(taken.id, from, to);
  const v = checkConnection(doc, registry, from, to);
  if (!v.ok) return v;
  edit((d) => { d.edges.push({ id: freshId('e', d.edges.map((e) => e.id)), from, to }); });
  return v;
}

/**
 * Moves a wire to new ends in one step; the old wire does not count as taking the input, and another wire
 * already in the new input is replaced by it.
 */
export function rewire(edgeId: string, from: PortRef, to: PortRef): Validity {
  const doc = getDoc();
  const other = doc.edges.find((e) => e.id !== edgeId && e.to.node === to.node && e.to.port === to.port);
  const v = checkConnection(other ? { ...doc, edges: doc.edges.filter((e) => e !== other) } : doc, registry, from, to, edgeId);
  if (!v.ok) return v;
  edit((d) => {
    if (other) d.edges = d.edges.filter((x) => x.id !== other.id);
    const e = d.edges.find((x) => x.id === edgeId);
    if (e) { e.from = from; e.to = to; }
  });
  return v;
}

export function deleteItems(nodes: string[], edges: string[]): void {
  const gone = new Set(nodes);
  const cut = new Set(edges);
  edit((d) => {
    d.nodes = d.nodes.filter((n) => !gone.has(n.id));
    d.edges = d.edges.filter((e) => !cut.has(e.id) && !gone.has(e.from.node) && !gone.has(e.to.node));
  });
  select([]);
}

/** Splits a wire with a reroute dot at `at`: from -> dot -> to, in one step. */
export function insertReroute(edgeId: string, at: { x: number; y: number }): string | undefined {
  const doc = getDoc();
  const wire = doc.edges.find((e) => e.id === edgeId);
  const def = registry.get('core.reroute');
  if (!wire || !def) return undefined;
  const id = freshId('n', doc.nodes.map((n) => n.id));
  edit((d) => {
    d.nodes.push({ id, type: def.type, version: def.version, position: { x: Math.round(at.x - 14), y: Math.round(at.y - 10) }, params: {} });
    const e = d.edges.find((x) => x.id === edgeId)!;
    const to = e.to;
    e.to = { node: id, port: 'in' };
    d.edges.push({ id: freshId('e', d.edges.map((x) => x.id)), from: { node: id, port: 'out' }, to });
  });
  return id;
}

/** Removes every wire into or out of the nodes, in one step. */
export function disconnectNodes(ids: string[]): void {
  const set = new Set(ids);
  edit((d) => { d.edges = d.edges.filter((e) => !set.has(e.from.node) && !set.has(e.to.node)); });
}

/** Moves nodes (and groups, keyed "group:<id>"), in one step. */
export function moveNodes(positions: Record<string, { x: number; y: number }>): void {
  edit((d) => {
    for (const n of d.nodes) {
      const p = positions[n.id];
      if (p) n.position = { x: Math.round(p.x), y: Math.round(p.y) };
    }
    for (const g of d.groups ?? []) {
      const p = positions[`group:${g.id}`];
      if (p) g.position = { x: Math.round(p.x), y: Math.round(p.y) };
    }
  });
  endGesture();
}

/** Typing into one field is one undo step: edits share a gesture until the field loses focus. */
export function setParam(nodeId: string, name: string, value: unknown): void {
  edit((d) => {
    const n = d.nodes.find((x) => x.id === nodeId);
    if (n) n.params[name] = value;
  }, `param:${nodeId}:${name}`);
}

/** Bypass on for all of them, or off for all when every one is already bypassed: one undo step. */
export function toggleBypass(ids: string[]): void {
  const on = getDoc().nodes.some((n) => ids.includes(n.id) && !n.bypass);
  edit((d) => {
    for (const n of d.nodes) {
      if (!ids.includes(n.id)) continue;
      if (on) n.bypass = true;
      else delete n.bypass;
    }
  });
}

/** A node's own title; an empty one falls back to its type's title. */
export function setTitle(nodeId: string, title: string): void {
  edit((d) => {
    const n = d.nodes.find((x) => x.id === nodeId);
    if (!n) return;
    if (title.trim()) n.title = title;
    else delete n.title;
  }, `title:${nodeId}`);
}
