// Copy, paste and duplicate: the selected nodes and the wires between them, under fresh ids.
import type { GraphEdge, GraphNode } from '../../graph/index.ts';
import { freshIds } from '../ids.ts';
import { edit, getDoc } from '../store/graph.ts';
import { select, uiStore } from '../store/ui.ts';

interface Clip { nodes: GraphNode[]; edges: GraphEdge[] }
let clip: Clip | null = null;
let pastes = 0;

function selectedClip(): Clip | null {
  const ids = new Set(uiStore.get().selectedNodes);
  if (ids.size === 0) return null;
  const doc = getDoc();
  return {
    nodes: doc.nodes.filter((n) => ids.has(n.id)),
    edges: doc.edges.filter((e) => ids.has(e.from.node) && ids.has(e.to.node)),
  };
}

export function copySelection(): number {
  clip = selectedClip();
  pastes = 0;
  return clip?.nodes.length ?? 0;
}

export function paste(): void {
  if (!clip) return;
  pastes += 1;
  insert(clip, 40 * pastes);
}

export function duplicateSelection(): void {
  const c = selectedClip();
  if (c) insert(c, 40);
}

function insert(c: Clip, offset: number): void {
  const doc = getDoc();
  const nodeIds = freshIds('n', doc.nodes.map((n) => n.id), c.nodes.length);
  const edgeIds = freshIds('e', doc.edges.map((e) => e.id), c.edges.length);
  const rename = new Map(c.nodes.map((n, i) => [n.id, nodeIds[i]]));
  edit((d) => {
    c.nodes.forEach((n, i) => {
      d.nodes.push({ ...structuredClone(n), id: nodeIds[i], position: { x: n.position.x + offset, y: n.position.y + offset } });
    });
    c.edges.forEach((e, i) => {
      d.edges.push({ id: edgeIds[i], from: { node: rename.get(e.from.node)!, port: e.from.port }, to: { node: rename.get(e.to.node)!, port: e.to.port } });
    });
  });
  select(nodeIds);
}
