// The mask rasteriser against geometry computed here on its own terms: a pixel is covered when its
// centre is within the brush's radius of the stroke's path (distance from a point to a segment).
import { describe, expect, it } from 'vitest';
import { paramProblem, type ParamSpec, type Stroke } from '../graph/index.ts';
import { MAX_ROW_RUNS, paintMask, rowRuns } from './paint.ts';

/** Distance from p to the segment ab: perpendicular when the foot falls inside it, else to the nearer end. */
function distanceToSegment(px: number, py: number, ax: number, ay: number, bx: number, by: number): number {
  const len = Math.hypot(bx - ax, by - ay);
  if (len === 0) return Math.hypot(px - ax, py - ay);
  const beforeA = (px - ax) * (bx - ax) + (py - ay) * (by - ay) < 0;
  const pastB = (px - bx) * (ax - bx) + (py - by) * (ay - by) < 0;
  if (beforeA || pastB) return Math.min(Math.hypot(px - ax, py - ay), Math.hypot(px - bx, py - by));
  return Math.abs((bx - ax) * (py - ay) - (by - ay) * (px - ax)) / len;
}

/** How far pixel (x, y)'s centre is from the stroke's path, in pixels, at this image size. */
function distanceToStroke(s: Stroke, x: number, y: number, w: number, h: number): number {
  const pts = [];
  for (let i = 0; i < s.points.length; i += 2) pts.push([s.points[i] * w, s.points[i + 1] * h]);
  if (pts.length === 1) pts.push(pts[0]);
  let d = Infinity;
  for (let k = 0; k + 1 < pts.length; k++) d = Math.min(d, distanceToSegment(x + 0.5, y + 0.5, pts[k][0], pts[k][1], pts[k + 1][0], pts[k + 1][1]));
  return d;
}

/**
 * What each pixel should be after the strokes in order, or null for a pixel whose centre lies on a
 * brush's edge (within 1e-9 px), where rounding may fall either way.
 */
function expected(strokes: Stroke[], w: number, h: number): (0 | 1 | null)[] {
  const out: (0 | 1 | null)[] = new Array(w * h).fill(0);
  for (const s of strokes) {
    const r = (s.size * Math.min(w, h)) / 2;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x < w; x++) {
        const d = distanceToStroke(s, x, y, w, h);
        if (Math.abs(d - r) < 1e-9) out[y * w + x] = null;
        else if (d < r && out[y * w + x] !== null) out[y * w + x] = s.mode === 'brush' ? 1 : 0;
      }
    }
  }
  return out;
}

function compare(strokes: Stroke[], w: number, h: number): { covered: number; checked: number } {
  const got = paintMask(strokes, w, h);
  expect([got.width, got.height, got.batch]).toEqual([w, h, 1]);
  const want = expected(strokes, w, h);
  let covered = 0;
  let checked = 0;
  const wrong: string[] = [];
  for (let i = 0; i < w * h; i++) {
    if (want[i] === null) continue;
    checked++;
    if (got.data[i] !== want[i]) wrong.push(`(${i % w}, ${Math.floor(i / w)}) is ${got.data[i]}, not ${want[i]}`);
    if (got.data[i] === 1) covered++;
  }
  expect(wrong.slice(0, 5)).toEqual([]);
  return { covered, checked };
}

const zigzag: Stroke = { mode: 'brush', size: 0.2, points: [0.1, 0.15, 0.45, 0.8, 0.62, 0.3, 0.93, 0.71] };
const dab: Stroke = { mode: 'brush', size: 0.35, points: [0.8, 0.2] };
const line: Stroke = { mode: 'brush', size: 0.05, points: [0.03, 0.92, 0.97, 0.9] };

describe('paintMask', () => {
  it('a stroke covers the pixels whose centres are within its radius of its path (round caps and joins), and only those', () => {
    const { covered, checked } = compare([zigzag, dab, line], 53, 37);
    expect(checked).toBeGreaterThan(53 * 37 - 20);
    expect(covered).toBeGreaterThan(200);
    expect(covered).toBeLessThan(53 * 37 / 2);
  });

  it('one point is a disc of the brush size', () => {
    const { covered } = compare([{ mode: 'brush', size: 0.5, points: [0.5, 0.5] }], 40, 40);
    // A disc of radius 10 px holds about pi * 100 pixel centres.
    expect(Math.abs(covered - Math.PI * 100)).toBeLessThan(12);
  });

  it('the eraser clears what it covers, and a later brush paints over it again', () => {
    const erase: Stroke = { mode: 'erase', size: 0.15, points: [0, 0.5, 1, 0.5] };
    const again: Stroke = { mode: 'brush', size: 0.1, points: [0.5, 0.45] };
    const before = compare([zigzag, dab], 60, 45).covered;
    const after = compare([zigzag, dab, erase], 60, 45).covered;
    expect(after).toBeLessThan(before);
    const m = paintMask([zigzag, dab, erase], 60, 45);
    expect(m.data[Math.floor(0.5 * 45) * 60 + 30]).toBe(0);
    compare([zigzag, dab, erase, again], 60, 45);
    expect(paintMask([zigzag, erase, again], 60, 45).data[Math.floor(0.45 * 45) * 60 + 30]).toBe(1);
  });

  it('scales with the image: the same strokes fit a resized image, the brush by its shorter side', () => {
    const strokes = [zigzag, dab, { ...line, mode: 'erase' as const }];
    const small = compare(strokes, 40, 30).covered;
    const large = compare(strokes, 80, 60).covered;
    expect(large / small).toBeGreaterThan(3.6);
    expect(large / small).toBeLessThan(4.4);
    compare(strokes, 31, 97); // another aspect: the brush stays round, sized by the 31 px side
  });

  it('paints nothing for no strokes, and strokes off to one side stay inside the image', () => {
    expect(paintMask([], 5, 4).data.every((v) => v === 0)).toBe(true);
    compare([{ mode: 'brush', size: 1, points: [0, 0, 1, 0] }], 16, 9);
  });
});

describe('the work a paint may take', () => {
  it('counts at least the rows each segment covers', () => {
    const strokes: Stroke[] = [{ mode: 'brush', size: 0.1, points: [0.5, 0.25, 0.5, 0.75] }, { mode: 'brush', size: 0.2, points: [0.3, 0.3] }];
    for (const one of strokes) {
      const painted = paintMask([one], 100, 100);
      let rows = 0;
      for (let y = 0; y < 100; y++) if (painted.data.subarray(y * 100, (y + 1) * 100).some((v) => v > 0)) rows++;
      expect(rowRuns([one], 100, 100)).toBeGreaterThanOrEqual(rows);
    }
  });

  it('refuses, before it allocates, strokes that would cross too many rows at this size', () => {
    const huge: Stroke[] = [{ mode: 'brush', size: 1, points: Array.from({ length: 40000 }, (_, i) => (i % 2 ? 0.5 : (i % 200) / 200)) }];
    expect(rowRuns(huge, 4096, 4096)).toBeGreaterThan(MAX_ROW_RUNS);
    expect(() => paintMask(huge, 4096, 4096)).toThrow(/cross \d+ rows of brush at 4096x4096, over the 8000000 this node allows: use fewer points or a smaller brush/);
    // The same strokes on a small image are fine, and so is a long ordinary stroke on a large one.
    expect(paintMask(huge, 64, 64).data.some((v) => v === 1)).toBe(true);
    const ordinary: Stroke[] = [{ mode: 'brush', size: 0.05, points: Array.from({ length: 2000 }, (_, i) => 0.1 + (i / 2000) * 0.8) }];
    expect(rowRuns(ordinary, 4096, 4096)).toBeLessThan(MAX_ROW_RUNS);
  });
});

describe('strokes param limits', () => {
  const spec: ParamSpec = { kind: 'strokes', default: [], maxStrokes: 3, maxPoints: 5, minSize: 0.01, maxSize: 1 };
  const ok: Stroke = { mode: 'brush', size: 0.1, points: [0.1, 0.2, 0.3, 0.4] };
  it.each([
    ['not a list', 'x', /must be a list of strokes \(got "x"\)/],
    ['too many strokes', [ok, ok, ok, ok], /has 4 strokes, at most 3 fit/],
    ['too many points', [ok, ok, { ...ok, points: [0, 0, 1, 1] }], /has 6 points in all, at most 5 fit/],
    ['a bad mode', [ok, { ...ok, mode: 'smudge' }], /stroke 2: mode must be "brush" or "erase" \(got "smudge"\)/],
    ['a size too small', [{ ...ok, size: 0.001 }], /stroke 1: size must be between 0.01 and 1 of the image's shorter side \(got 0.001\)/],
    ['a size too large', [{ ...ok, size: 2 }], /stroke 1: size must be between 0.01 and 1/],
    ['an odd number of coordinates', [{ ...ok, points: [0.1, 0.2, 0.3] }], /stroke 1: points must be a non-empty list of x, y pairs \(got 3 numbers\)/],
    ['no points', [{ ...ok, points: [] }], /stroke 1: points must be a non-empty list/],
    ['a point outside the image', [{ ...ok, points: [0.1, 0.2, 1.5, 0.4] }], /stroke 1: point 2: x must be a number from 0 to 1 \(a fraction of the image's width; got 1.5\)/],
    ['a field it does not know', [{ ...ok, colour: 'red' }], /stroke 1: has an unknown field "colour"/],
  ])('refuses %s', (_what, value, message) => {
    expect(paramProblem(spec, value)).toMatch(message);
  });
  it('takes strokes within the limits', () => {
    expect(paramProblem(spec, [])).toBeNull();
    expect(paramProblem(spec, [ok, { mode: 'erase', size: 1, points: [1, 0] }])).toBeNull();
  });
});
