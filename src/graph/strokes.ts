// Brush strokes as a param: what a painted mask is made of, stored in the graph so a saved file, the
// autosave, a PNG's graph and the CLI all carry it. Coordinates are fractions of the image's width and
// height and a brush's size a fraction of its shorter side, so the strokes fit a resized image too.
import { describeValue } from './text.ts';

export type StrokeMode = 'brush' | 'erase';

export interface Stroke {
  /** brush paints the mask (1), erase clears it (0). */
  mode: StrokeMode;
  /** The brush's diameter, as a fraction of the image's shorter side. */
  size: number;
  /** x0, y0, x1, y1, …: the path, each coordinate a fraction of the width (x) or height (y), in [0, 1]. */
  points: number[];
}

/** How much one strokes param may hold: a file stays small and a mask quick to draw. */
export interface StrokeLimits { maxStrokes: number; maxPoints: number; minSize: number; maxSize: number }

export const STROKE_MODES: readonly StrokeMode[] = ['brush', 'erase'];

/** Why a value is not a list of strokes within the limits, or null when it is. Names the first stroke at fault. */
export function strokesProblem(value: unknown, limits: StrokeLimits): string | null {
  if (!Array.isArray(value)) return `must be a list of strokes (got ${describeValue(value)})`;
  if (value.length > limits.maxStrokes) return `has ${value.length} strokes, at most ${limits.maxStrokes} fit`;
  let points = 0;
  for (let i = 0; i < value.length; i++) {
    const why = strokeProblem(value[i], limits);
    if (why) return `stroke ${i + 1}: ${why}`;
    points += (value[i] as Stroke).points.length / 2;
  }
  if (points > limits.maxPoints) return `has ${points} points in all, at most ${limits.maxPoints} fit`;
  return null;
}

function strokeProblem(s: unknown, limits: StrokeLimits): string | null {
  if (!s || typeof s !== 'object' || Array.isArray(s)) return `must be an object with mode, size and points (got ${describeValue(s)})`;
  const { mode, size, points, ...rest } = s as Record<string, unknown>;
  const extra = Object.keys(rest);
  if (extra.length > 0) return `has an unknown field "${extra[0]}" (a stroke has mode, size and points)`;
  if (typeof mode !== 'string' || !STROKE_MODES.includes(mode as StrokeMode)) return `mode must be "brush" or "erase" (got ${describeValue(mode)})`;
  if (typeof size !== 'number' || !Number.isFinite(size) || size < limits.minSize || size > limits.maxSize) {
    return `size must be between ${limits.minSize} and ${limits.maxSize} of the image's shorter side (got ${describeValue(size)})`;
  }
  if (!Array.isArray(points) || points.length === 0 || points.length % 2 !== 0) {
    return `points must be a non-empty list of x, y pairs (got ${Array.isArray(points) ? `${points.length} numbers` : describeValue(points)})`;
  }
  const bad = points.findIndex((v) => typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1);
  if (bad >= 0) return `point ${Math.floor(bad / 2) + 1}: ${bad % 2 === 0 ? 'x' : 'y'} must be a number from 0 to 1 (a fraction of the image's ${bad % 2 === 0 ? 'width' : 'height'}; got ${describeValue(points[bad])})`;
  return null;
}
