// How far fitting the view may zoom out: never below the zoom at which the smallest text on a node
// renders at 11 px. A graph wider than that fits by panning instead (it is centred; scroll to see the rest).
/** The smallest font size used inside a node on the canvas (CSS px at zoom 1; see app.css `.loom-node`). */
export const NODE_MIN_FONT_PX = 12;
export const READABLE_PX = 11;
export const MIN_FIT_ZOOM = READABLE_PX / NODE_MIN_FONT_PX;
export const MAX_FIT_ZOOM = 1.25;

export const FIT_OPTIONS = { padding: 0.08, minZoom: MIN_FIT_ZOOM, maxZoom: MAX_FIT_ZOOM } as const;

interface Box { x: number; y: number; width: number; height: number }
export interface Viewport { x: number; y: number; zoom: number }

/**
 * The view that shows a graph at a readable size: fitted when it fits at MIN_FIT_ZOOM or more;
 * else at MIN_FIT_ZOOM, panned so that `focus` (the output nodes: where the results appear) is in view,
 * the rest of the graph continuing to its left and above or below.
 */
export function readableViewport(bounds: Box, focus: Box | null, screen: { width: number; height: number }, padding = FIT_OPTIONS.padding): Viewport {
  const fitZoom = Math.min(screen.width / (bounds.width * (1 + 2 * padding)), screen.height / (bounds.height * (1 + 2 * padding)));
  const zoom = Math.max(MIN_FIT_ZOOM, Math.min(MAX_FIT_ZOOM, Number.isFinite(fitZoom) ? fitZoom : 1));
  const f = focus ?? bounds;
  const margin = Math.min(screen.width, screen.height) * padding;
  // Along one axis: centred when the graph fits; else the focus placed by `at`, with no empty room beyond the graph's ends.
  const axis = (start: number, size: number, room: number, at: number): number => {
    if (size * zoom <= room - 2 * margin) return room / 2 - (start + size / 2) * zoom;
    const lowest = room - margin - (start + size) * zoom; // the graph's far end at the far side
    const highest = margin - start * zoom; // the graph's start at the near side
    return Math.min(highest, Math.max(lowest, at));
  };
  return {
    // Across: the results' right edge at the right side, so the pipeline leading to them fills the rest.
    x: axis(bounds.x, bounds.width, screen.width, screen.width - margin - (f.x + f.width) * zoom),
    // Up and down: the results in the middle.
    y: axis(bounds.y, bounds.height, screen.height, screen.height / 2 - (f.y + f.height / 2) * zoom),
    zoom,
  };
}
