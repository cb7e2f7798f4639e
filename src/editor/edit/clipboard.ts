// Copy, paste and duplicate: the selected nodes and the wires between them, under fresh ids.
// Copy writes the system clipboard too (as JSON), so nodes move between tabs; pasting a whole graph
// document adds its nodes to the open graph.
import { GRAPH_FORMAT, GRAPH_VERSION, loadGraph, type GraphEdge, type GraphNode } from '../../graph/index.ts';
import { registry } from '../catalog.ts';
import { freshIds } from '../ids.ts';
import { edit, getDoc } from '../store/graph.ts';
import { select, toast, uiStore } from '../store/ui.ts';
import { cursorInFlow, freeSpot, NEW_NODE_SIZE, nodeRects } from '../canvas/placement.ts';

const CLIP_FORMAT = 'latent-loom/clipboard';

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

/** Copies the selection; returns the clipboard text for the system clipboard, or null when nothing is selected. */
export function copySelection(): string | null {
  clip = selectedClip();
  pastes = 0;
  if (!clip) return null;
  toast(`copied ${clip.nodes.length} node${clip.nodes.length > 1 ? 's' : ''}`);
  return JSON.stringify({ format: CLIP_FORMAT, nodes: clip.nodes, edges: clip.edges });
}

/** Pastes clipboard text when it is ours (or a graph document), else the last copy of this tab. */
export function paste(text?: string, at?: { x: number; y: number }): void {
  const fromText = text ? parseClip(text) : null;
  if (fromText === 'invalid') return;
  if (fromText) {
    if (!clip || JSON.stringify(fromText.nodes) !== JSON.stringify(clip.nodes)) { clip = fromText; pastes = 0; }
  }
  if (!clip) return;
  pastes += 1;
  insert(clip, 40 * pastes, at ?? cursorInFlow());
}

export function duplicateSelection(): void {
  const c = selectedClip();
  if (c) insert(c, 40);
}

/** Where the copied nodes go: their top-left at the cursor (or shifted by `offset`), then clear of every other node. */
function placeGroup(c: Clip, offset: number, cursor?: { x: number; y: number }): { dx: number; dy: number } {
  const sizes = new Map(nodeRects().map((r) => [r.id, r]));
  const boxes = c.nodes.map((n) => ({ x: n.position.x, y: n.position.y, width: sizes.get(n.id)?.width ?? NEW_NODE_SIZE.width, height: sizes.get(n.id)?.height ?? NEW_NODE_SIZE.height }));
  const left = Math.min(...boxes.map((b) => b.x));
  const top = Math.min(...boxes.map((b) => b.y));
  const group = { x: left, y: top, width: Math.max(...boxes.map((b) => b.x + b.width)) - left, height: Math.max(...boxes.map((b) => b.y + b.height)) - top };
  const want = cursor ?? { x: left + offset, y: top + offset };
  const spot = freeSpot({ ...group, x: want.x, y: want.y }, nodeRects());
  return { dx: spot.x - left, dy: spot.y - top };
}

/** Checks pasted nodes like a loaded file; wires to nodes that were not copied are simply absent. */
function parseClip(text: string): Clip | null | 'invalid' {
  let raw: unknown;
  try { raw = JSON.parse(text); } catch { return null; }
  const r = raw as { format?: unknown; nodes?: unknown; edges?: unknown };
  if (r?.format !== CLIP_FORMAT && r?.format !== GRAPH_FORMAT) return null;
  const loaded = loadGraph({ format: GRAPH_FORMAT, version: GRAPH_VERSION, nodes: r.nodes, edges: r.edges }, registry);
  if (loaded.ok) return { nodes: loaded.doc.nodes, edges: loaded.doc.edges };
  const real = loaded.problems.filter((p) => p.code !== 'missing-input');
  if (real.length > 0) {
    toast(`cannot paste: ${real.map((p) => p.message).join('; ')}`, 'error');
    return 'invalid';
  }
  return { nodes: r.nodes as GraphNode[], edges: r.edges as GraphEdge[] };
}

function insert(c: Clip, offset: number, cursor?: { x: number; y: number }): void {
  const doc = getDoc();
  const { dx, dy } = placeGroup(c, offset, cursor);
  const nodeIds = freshIds('n', doc.nodes.map((n) => n.id), c.nodes.length);
  const edgeIds = freshIds('e', doc.edges.map((e) => e.id), c.edges.length);
  const rename = new Map(c.nodes.map((n, i) => [n.id, nodeIds[i]]));
  edit((d) => {
    c.nodes.forEach((n, i) => {
      d.nodes.push({ ...structuredClone(n), id: nodeIds[i], position: { x: Math.round(n.position.x + dx), y: Math.round(n.position.y + dy) } });
    });
    c.edges.forEach((e, i) => {
      d.edges.push({ id: edgeIds[i], from: { node: rename.get(e.from.node)!, port: e.from.port }, to: { node: rename.get(e.to.node)!, port: e.to.port } });
    });
  });
  select(nodeIds);
}
