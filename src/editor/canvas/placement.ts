// Where new nodes go: at the cursor when it is over the canvas, and never on top of another node.
type Point = { x: number; y: number };
export interface Rect { x: number; y: number; width: number; height: number; id?: string }

/** A node's size before it has been drawn and measured. */
export const NEW_NODE_SIZE = { width: 260, height: 160 };
const GAP = 24;

let rects: () => Rect[] = () => [];
let toFlow: ((p: Point) => Point) | null = null;
let pointer: (Point & { inside: boolean }) | null = null;

/** The canvas registers how to read the nodes' rectangles (flow coordinates) and how to map screen points. */
export function setCanvasGeometry(read: () => Rect[], screenToFlow: (p: Point) => Point): void {
  rects = read;
  toFlow = screenToFlow;
}

/** The canvas reports where the mouse is (screen coordinates) and whether it is over empty canvas or a node. */
export function setPointer(p: Point | null, inside = true): void {
  pointer = p ? { ...p, inside } : null;
}

/** The cursor in flow coordinates, when it is over the canvas. */
export function cursorInFlow(): Point | undefined {
  return pointer?.inside && toFlow ? toFlow(pointer) : undefined;
}

export function nodeRects(): Rect[] {
  return rects();
}

const overlaps = (a: Rect, b: Rect): boolean =>
  a.x < b.x + b.width + GAP && b.x < a.x + a.width + GAP && a.y < b.y + b.height + GAP && b.y < a.y + a.height + GAP;

/**
 * The nearest place for a box at `box` (or a group of nodes with that bounding box) that touches no
 * other rectangle: moved down past whatever it would cover, or, after many tries, to the right of all.
 */
export function freeSpot(box: Rect, others: readonly Rect[]): Point {
  const at = { ...box };
  for (let i = 0; i < 200; i++) {
    const hit = others.find((r) => overlaps(at, r));
    if (!hit) return { x: at.x, y: at.y };
    at.y = hit.y + hit.height + GAP;
  }
  const right = Math.max(...others.map((r) => r.x + r.width));
  return { x: right + GAP, y: box.y };
}
