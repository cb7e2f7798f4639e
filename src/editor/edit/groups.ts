// Groups (frames): a titled, coloured box on the canvas, saved in the document's `groups`. The nodes
// whose middle lies inside a group move with it; it can bypass everything it holds. Running ignores groups.
import type { GraphDoc, GraphGroup } from '../../graph/index.ts';
import { nodeRects, NEW_NODE_SIZE, type Rect } from '../canvas/placement.ts';
import { freshId } from '../ids.ts';
import { edit, getDoc } from '../store/graph.ts';
import { toggleBypass } from './ops.ts';

export const GROUP_PREFIX = 'group:';
export const GROUP_COLOURS = ['#3f51b5', '#2e7d32', '#ad1457', '#ef6c00', '#546e7a', '#6a1b9a'];
export const COLOUR_NAMES: Record<string, string> = { '#3f51b5': 'blue', '#2e7d32': 'green', '#ad1457': 'pink', '#ef6c00': 'orange', '#546e7a': 'grey', '#6a1b9a': 'purple' };
const PAD = 24;
const HEADER = 36;

/** The nodes a group holds: those whose middle lies inside it (sizes as drawn, or a new node's). */
export function groupMembers(doc: Pick<GraphDoc, 'nodes'>, g: GraphGroup, rects: readonly Rect[] = nodeRects()): string[] {
  const size = new Map(rects.map((r) => [r.id, r]));
  return doc.nodes.filter((n) => {
    const r = size.get(n.id) ?? { width: NEW_NODE_SIZE.width, height: NEW_NODE_SIZE.height };
    const cx = n.position.x + r.width / 2;
    const cy = n.position.y + r.height / 2;
    return cx >= g.position.x && cx <= g.position.x + g.width && cy >= g.position.y && cy <= g.position.y + g.height;
  }).map((n) => n.id);
}

/** A new group around the given nodes (or an empty one at `at`); returns its id. */
export function addGroup(nodeIds: string[], at?: { x: number; y: number }, title = 'Group'): string {
  const doc = getDoc();
  const id = freshId('g', (doc.groups ?? []).map((g) => g.id));
  const size = new Map(nodeRects().map((r) => [r.id, r]));
  const boxes = doc.nodes.filter((n) => nodeIds.includes(n.id)).map((n) => ({ x: n.position.x, y: n.position.y, ...(size.get(n.id) ?? NEW_NODE_SIZE) }));
  const rect = boxes.length
    ? {
      x: Math.min(...boxes.map((b) => b.x)) - PAD, y: Math.min(...boxes.map((b) => b.y)) - PAD - HEADER,
      right: Math.max(...boxes.map((b) => b.x + b.width)) + PAD, bottom: Math.max(...boxes.map((b) => b.y + b.height)) + PAD,
    }
    : { x: at?.x ?? 0, y: at?.y ?? 0, right: (at?.x ?? 0) + 480, bottom: (at?.y ?? 0) + 320 };
  const colour = GROUP_COLOURS[(doc.groups?.length ?? 0) % GROUP_COLOURS.length];
  edit((d) => {
    (d.groups ??= []).push({ id, title, color: colour, position: { x: Math.round(rect.x), y: Math.round(rect.y) }, width: Math.round(rect.right - rect.x), height: Math.round(rect.bottom - rect.y) });
  });
  return id;
}

/** Title, colour or size; typing a title is one undo step. */
export function updateGroup(id: string, patch: Partial<Omit<GraphGroup, 'id'>>, gesture?: string): void {
  edit((d) => {
    const g = d.groups?.find((x) => x.id === id);
    if (g) Object.assign(g, patch);
  }, gesture);
}

/** Removes the box; its nodes stay. */
export function deleteGroup(id: string): void {
  edit((d) => {
    d.groups = d.groups?.filter((g) => g.id !== id);
    if (d.groups?.length === 0) delete d.groups;
  });
}

/** Bypass everything the group holds (or turn it back on when all of it is bypassed). */
export function bypassGroup(id: string): void {
  const g = getDoc().groups?.find((x) => x.id === id);
  if (!g) return;
  const members = groupMembers(getDoc(), g);
  if (members.length) toggleBypass(members);
}
