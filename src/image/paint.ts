// A painted mask: brush strokes rasterised into a MASK. A stroke covers every pixel whose centre lies
// within the brush's radius of its path (round caps and joins: the union of discs along it), with hard
// edges: 1 under a brush, 0 under an eraser, later strokes over earlier ones. Only +, -, *, / and
// comparisons decide a pixel, which IEEE arithmetic gives the same everywhere, so the browser and the
// CLI make the same mask. Soften it with Feather Mask.
import type { Stroke } from '../graph/strokes.ts';
import { mask, type MaskValue } from './mask.ts';

/** The strokes on an empty mask of this size. `signal` is checked between strokes. */
export function paintMask(strokes: readonly Stroke[], width: number, height: number, signal?: AbortSignal): MaskValue {
  const out = mask(width, height);
  for (const s of strokes) {
    signal?.throwIfAborted();
    paintStroke(out.data, width, height, s);
  }
  return out;
}

/** The brush's radius in pixels: its size is a diameter, as a fraction of the shorter side. */
export function brushRadius(size: number, width: number, height: number): number {
  return (size * Math.min(width, height)) / 2;
}

/** One stroke onto a width x height plane of mask values, in place (the editor draws a stroke as it goes). */
export function paintStroke(plane: Float32Array, width: number, height: number, stroke: Stroke): void {
  const value = stroke.mode === 'erase' ? 0 : 1;
  const r = brushRadius(stroke.size, width, height);
  const r2 = r * r;
  const p = stroke.points;
  const n = p.length / 2;
  // Segment k runs from point k to point k + 1; one point alone is a dab (a segment of length 0).
  for (let k = 0; k < Math.max(1, n - 1); k++) {
    const i = 2 * k;
    const j = n === 1 ? 0 : i + 2;
    const ax = p[i] * width;
    const ay = p[i + 1] * height;
    const bx = p[j] * width;
    const by = p[j + 1] * height;
    // Pixels whose centre (x + 0.5, y + 0.5) can be within r of the segment.
    const x0 = Math.max(0, Math.floor(Math.min(ax, bx) - r - 0.5));
    const x1 = Math.min(width - 1, Math.ceil(Math.max(ax, bx) + r - 0.5));
    const y0 = Math.max(0, Math.floor(Math.min(ay, by) - r - 0.5));
    const y1 = Math.min(height - 1, Math.ceil(Math.max(ay, by) + r - 0.5));
    const dx = bx - ax;
    const dy = by - ay;
    const len2 = dx * dx + dy * dy;
    for (let y = y0; y <= y1; y++) {
      const py = y + 0.5 - ay;
      for (let x = x0; x <= x1; x++) {
        const px = x + 0.5 - ax;
        // The nearest point of the segment: its projection, clamped to the ends.
        let t = len2 > 0 ? (px * dx + py * dy) / len2 : 0;
        t = t < 0 ? 0 : t > 1 ? 1 : t;
        const ex = px - t * dx;
        const ey = py - t * dy;
        if (ex * ex + ey * ey <= r2) plane[y * width + x] = value;
      }
    }
  }
}
