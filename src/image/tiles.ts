// Tile layout and blend weights for tiled model runs. Neighbouring tiles overlap; across each overlap
// one tile fades out while the next fades in, so the weights of every output pixel sum to exactly 1
// and tiles can be added straight into the output. The fade keeps off the outer quarters of the
// overlap, where a tile's pixels still feel its edge (zero padding inside the model).

export interface Span { start: number; size: number }
export interface Rect { x: number; y: number; w: number; h: number }

/** Spans of at most `tile` covering [0, length), equal in size, overlapping by at least `overlap` (capped at tile/2). */
export function planAxis(length: number, tile: number, overlap: number): Span[] {
  if (length <= tile) return [{ start: 0, size: length }];
  const ov = Math.min(overlap, Math.floor(tile / 2));
  const n = Math.ceil((length - ov) / (tile - ov));
  const size = Math.min(tile, Math.ceil((length + (n - 1) * ov) / n));
  const spans: Span[] = [];
  for (let i = 0; i < n; i++) spans.push({ start: i === n - 1 ? length - size : Math.floor((i * (length - size)) / (n - 1)), size });
  return spans;
}

/** The share 0..1 of the later tile at offset k into an overlap of `length` output pixels. */
function fadeIn(k: number, length: number): number {
  const margin = Math.floor(length / 4);
  const ramp = length - 2 * margin;
  const t = (k - margin + 0.5) / ramp;
  return t <= 0 ? 0 : t >= 1 ? 1 : t;
}

/** Blend weights along one axis for span i of `spans`, in output pixels (`scale` per input pixel). */
export function spanWeights(spans: Span[], i: number, scale: number): Float32Array {
  const { start, size } = spans[i];
  const w = new Float32Array(size * scale).fill(1);
  if (i > 0) {
    const prev = spans[i - 1];
    const ov = (prev.start + prev.size - start) * scale;
    for (let k = 0; k < ov; k++) w[k] *= fadeIn(k, ov);
  }
  if (i < spans.length - 1) {
    const next = spans[i + 1];
    const ov = (start + size - next.start) * scale;
    const from = (next.start - start) * scale;
    for (let k = 0; k < ov; k++) w[from + k] *= 1 - fadeIn(k, ov);
  }
  return w;
}

export interface Cell { rect: Rect; wx: Float32Array; wy: Float32Array }

/** The tiles covering `rect` (coordinates stay those of `rect`'s image), with their weights. */
export function planGrid(rect: Rect, tileW: number, tileH: number, overlap: number, scale: number): Cell[] {
  const xs = planAxis(rect.w, tileW, overlap);
  const ys = planAxis(rect.h, tileH, overlap);
  const cells: Cell[] = [];
  ys.forEach((sy, j) => {
    const wy = spanWeights(ys, j, scale);
    xs.forEach((sx, i) => {
      cells.push({ rect: { x: rect.x + sx.start, y: rect.y + sy.start, w: sx.size, h: sy.size }, wx: spanWeights(xs, i, scale), wy });
    });
  });
  return cells;
}
