// A painted mask: brush strokes rasterised into a MASK. A stroke covers every pixel whose centre lies
// within the brush's radius of its path (round caps and joins: the union of discs along it), with hard
// edges: 1 under a brush, 0 under an eraser, later strokes over earlier ones. A pixel is decided by
// +, -, *, / and comparisons (the square root only guesses where to look), which IEEE arithmetic gives
// the same everywhere, so the browser and the CLI make the same mask. Soften it with Feather Mask.
import type { Stroke } from '../graph/strokes.ts';
import { mask, type MaskValue } from './mask.ts';

/**
 * At most this many row runs in all (a segment's capsule covers one run per row it crosses): about
 * 130 MB of runs held and a few seconds of work. Real strokes need far fewer; a hand-written param at
 * its limits on a large image would otherwise take minutes and gigabytes.
 */
export const MAX_ROW_RUNS = 8_000_000;

/** How many row runs the strokes make at this size: rows crossed by each segment's capsule, summed. */
export function rowRuns(strokes: readonly Stroke[], width: number, height: number): number {
  let total = 0;
  for (const s of strokes) {
    const r = brushRadius(s.size, width, height);
    const p = s.points;
    const n = p.length / 2;
    for (let k = 0; k < Math.max(1, n - 1); k++) {
      const dy = n === 1 ? 0 : Math.abs(p[2 * k + 3] - p[2 * k + 1]) * height;
      total += Math.min(height, Math.ceil(dy + 2 * r) + 2);
    }
  }
  return total;
}

/** The strokes on an empty mask of this size. `signal` is checked between strokes and along long ones. */
export function paintMask(strokes: readonly Stroke[], width: number, height: number, signal?: AbortSignal): MaskValue {
  const work = rowRuns(strokes, width, height);
  if (work > MAX_ROW_RUNS) {
    throw new Error(`the strokes cross ${work} rows of brush at ${width}x${height}, over the ${MAX_ROW_RUNS} this node allows: use fewer points or a smaller brush, or a smaller image`);
  }
  const out = mask(width, height);
  for (const s of strokes) {
    signal?.throwIfAborted();
    paintStroke(out.data, width, height, s, signal);
  }
  return out;
}

/** The brush's radius in pixels: its size is a diameter, as a fraction of the shorter side. */
export function brushRadius(size: number, width: number, height: number): number {
  return (size * Math.min(width, height)) / 2;
}

/**
 * One stroke onto a width x height plane of mask values, in place (the editor draws a stroke as it goes).
 * Each segment's capsule is convex, so it covers one run of pixels per row: its two ends are found
 * exactly, and a row's runs from every segment are merged before filling, so the work grows with the
 * rows a stroke crosses and the pixels it covers, not with segments x their area.
 */
export function paintStroke(plane: Float32Array, width: number, height: number, stroke: Stroke, signal?: AbortSignal): void {
  const value = stroke.mode === 'erase' ? 0 : 1;
  const r = brushRadius(stroke.size, width, height);
  const p = stroke.points;
  const n = p.length / 2;
  const runs: (number[] | undefined)[] = new Array(height);
  // Segment k runs from point k to point k + 1; one point alone is a dab (a segment of length 0).
  for (let k = 0; k < Math.max(1, n - 1); k++) {
    if (k % 1024 === 1023) signal?.throwIfAborted();
    const i = 2 * k;
    const j = n === 1 ? 0 : i + 2;
    const seg = capsule(p[i] * width, p[i + 1] * height, p[j] * width, p[j + 1] * height, r);
    const y0 = Math.max(0, Math.floor(Math.min(seg.ay, seg.by) - r - 0.5));
    const y1 = Math.min(height - 1, Math.ceil(Math.max(seg.ay, seg.by) + r - 0.5));
    for (let y = y0; y <= y1; y++) {
      const run = rowRun(seg, y, width);
      if (run) (runs[y] ??= []).push(run[0], run[1]);
    }
  }
  for (let y = 0; y < height; y++) {
    const list = runs[y];
    if (!list) continue;
    // Runs one after another mostly overlap the last: merge while they do, sort only when they do not.
    let from = list[0];
    let to = list[1];
    let apart = false;
    for (let m = 2; m < list.length && !apart; m += 2) {
      if (list[m] > to + 1 || list[m + 1] < from - 1) apart = true;
      else { from = Math.min(from, list[m]); to = Math.max(to, list[m + 1]); }
    }
    if (!apart) { plane.fill(value, y * width + from, y * width + to + 1); continue; }
    const order = Array.from({ length: list.length / 2 }, (_, m) => m).sort((a, b) => list[2 * a] - list[2 * b]);
    from = list[2 * order[0]];
    to = list[2 * order[0] + 1];
    for (const m of order) {
      const a = list[2 * m];
      const b = list[2 * m + 1];
      if (a > to + 1) { plane.fill(value, y * width + from, y * width + to + 1); from = a; to = b; } else if (b > to) to = b;
    }
    plane.fill(value, y * width + from, y * width + to + 1);
  }
}

interface Capsule { ax: number; ay: number; bx: number; by: number; dx: number; dy: number; len2: number; r: number; r2: number }

function capsule(ax: number, ay: number, bx: number, by: number, r: number): Capsule {
  const dx = bx - ax;
  const dy = by - ay;
  return { ax, ay, bx, by, dx, dy, len2: dx * dx + dy * dy, r, r2: r * r };
}

/** Whether pixel (x, y)'s centre is within the radius of the segment: the rule that decides every pixel. */
function covers(c: Capsule, x: number, y: number): boolean {
  const px = x + 0.5 - c.ax;
  const py = y + 0.5 - c.ay;
  // The nearest point of the segment: its projection, clamped to the ends.
  let t = c.len2 > 0 ? (px * c.dx + py * c.dy) / c.len2 : 0;
  t = t < 0 ? 0 : t > 1 ? 1 : t;
  const ex = px - t * c.dx;
  const ey = py - t * c.dy;
  return ex * ex + ey * ey <= c.r2;
}

/** The first and last pixel of row y the capsule covers, or null: estimated, then settled by `covers`. */
function rowRun(c: Capsule, y: number, width: number): [number, number] | null {
  const guess = rowGuess(c, y + 0.5);
  if (!guess) return null;
  const lo = Math.max(0, Math.floor(guess[0] - 0.5) - 1);
  const hi = Math.min(width - 1, Math.ceil(guess[1] - 0.5) + 1);
  let first = lo;
  while (first <= hi && !covers(c, first, y)) first++;
  if (first > hi) return null;
  let last = hi;
  while (last > first && !covers(c, last, y)) last--;
  return [first, last];
}

/** Where the horizontal line at height py crosses the capsule (end discs and the band between them), or null. */
function rowGuess(c: Capsule, py: number): [number, number] | null {
  let lo = Infinity;
  let hi = -Infinity;
  const ha = c.r2 - (py - c.ay) * (py - c.ay);
  if (ha >= 0) { const w = Math.sqrt(ha); lo = c.ax - w; hi = c.ax + w; }
  const hb = c.r2 - (py - c.by) * (py - c.by);
  if (hb >= 0) { const w = Math.sqrt(hb); lo = Math.min(lo, c.bx - w); hi = Math.max(hi, c.bx + w); }
  if (c.len2 > 0) {
    // Between the ends: 0 <= u dx + qy dy <= len2; near the line: |u dy - qy dx| <= r len (u = x - ax).
    const qy = py - c.ay;
    const reach = c.r * Math.sqrt(c.len2);
    let u0 = -Infinity;
    let u1 = Infinity;
    if (c.dx !== 0) {
      const a = -qy * c.dy / c.dx;
      const b = (c.len2 - qy * c.dy) / c.dx;
      u0 = Math.min(a, b); u1 = Math.max(a, b);
    } else if (qy * c.dy < 0 || qy * c.dy > c.len2) u1 = -Infinity;
    if (c.dy !== 0) {
      const a = (qy * c.dx - reach) / c.dy;
      const b = (qy * c.dx + reach) / c.dy;
      u0 = Math.max(u0, Math.min(a, b)); u1 = Math.min(u1, Math.max(a, b));
    } else if (Math.abs(qy * c.dx) > reach) u1 = -Infinity;
    if (u0 <= u1) { lo = Math.min(lo, c.ax + u0); hi = Math.max(hi, c.ax + u1); }
  }
  return lo <= hi ? [lo, hi] : null;
}
