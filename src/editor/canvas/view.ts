// React Flow nodes and edges derived from the document. Unchanged entries keep their object identity,
// so React Flow re-renders only the nodes an edit touched.
import type { Edge, Node } from '@xyflow/react';
import type { GraphDoc, GraphEdge, GraphNode } from '../../graph/index.ts';
import { own } from '../../graph/text.ts';
import { ANY_TYPE, carriedType } from '../../graph/index.ts';
import { registry, typeColour } from '../catalog.ts';

export interface NodeView {
  selected: ReadonlySet<string>;
  measured: ReadonlyMap<string, { width: number; height: number }>;
  dragging: ReadonlyMap<string, { x: number; y: number }>;
}

interface Cached<S, V> { src: S; sig: string; view: V }

export function nodeViews(nodes: readonly GraphNode[], v: NodeView, cache: Map<string, Cached<GraphNode, Node>>): Node[] {
  const out = nodes.map((n) => {
    const m = v.measured.get(n.id);
    const drag = v.dragging.get(n.id);
    const selected = v.selected.has(n.id);
    const sig = `${selected}|${m?.width}|${m?.height}|${drag?.x}|${drag?.y}`;
    const hit = cache.get(n.id);
    if (hit && hit.src === n && hit.sig === sig) return hit.view;
    const view: Node = { id: n.id, type: 'loom', position: drag ?? n.position, data: {}, selected, ...(m ? { measured: m } : {}) };
    cache.set(n.id, { src: n, sig, view });
    return view;
  });
  if (cache.size > nodes.length * 2) pruneCache(cache, nodes);
  return out;
}

export function edgeViews(doc: GraphDoc, selected: ReadonlySet<string>, cache: Map<string, Cached<GraphEdge, Edge>>): Edge[] {
  return doc.edges.map((e) => {
    const type = portType(doc, e);
    const sig = `${selected.has(e.id)}|${type}`;
    const hit = cache.get(e.id);
    if (hit && hit.src === e && hit.sig === sig) return hit.view;
    const view: Edge = {
      id: e.id, source: e.from.node, sourceHandle: e.from.port, target: e.to.node, targetHandle: e.to.port,
      selected: selected.has(e.id), style: { stroke: typeColour(type), strokeWidth: 2 }, data: { type },
    };
    cache.set(e.id, { src: e, sig, view });
    return view;
  });
}

function portType(doc: GraphDoc, e: GraphEdge): string {
  const from = doc.nodes.find((n) => n.id === e.from.node);
  const outputs = from && registry.get(from.type)?.outputs;
  const declared = (outputs && own(outputs, e.from.port)?.type) ?? 'unknown';
  return declared === ANY_TYPE ? carriedType(doc, registry, e.from, declared) : declared; // a reroute's wire: what it carries
}

function pruneCache<V>(cache: Map<string, V>, nodes: readonly { id: string }[]): void {
  const live = new Set(nodes.map((n) => n.id));
  for (const id of cache.keys()) if (!live.has(id)) cache.delete(id);
}
