// Float32 arithmetic as torch does it on the CPU, for the scheduler math diffusers runs on float32
// tensors: every operation rounds to float32 (Math.fround), and fused multiply-adds round once.

export const f = Math.fround;

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

/** The float32 next to x (a float32) towards +Infinity or -Infinity. */
function nextFloat32(x: number, up: boolean): number {
  if (x === 0) return up ? 2 ** -149 : -(2 ** -149);
  f32[0] = x;
  u32[0] += (x > 0) === up ? 1 : -1;
  return f32[0];
}

/**
 * fmaf(a, b, c) for float32 a, b, c: a * b + c rounded once to float32. The product is exact in a
 * double; the sum's rounding error (TwoSum) settles the rare double-rounding ties.
 */
export function fmaf(a: number, b: number, c: number): number {
  const p = a * b;
  const s = p + c;
  const v = s - p;
  const err = (p - (s - v)) + (c - v);
  const r = f(s);
  if (err === 0 || r === s || !Number.isFinite(r)) return r;
  // s lies between two float32s; only an exact midpoint needs the error's sign to decide.
  const other = nextFloat32(r, s > r);
  if ((r + other) / 2 !== s) return r;
  return (err > 0) === (other > r) ? other : r;
}

/** torch.linspace(start, end, steps, dtype=float32) on the CPU, as aten's linspace kernel computes it. */
export function torchLinspaceF32(start: number, end: number, steps: number): number[] {
  const a = f(start);
  const b = f(end);
  if (steps === 1) return [a];
  const step = f(f(b - a) / (steps - 1));
  const halfway = Math.floor(steps / 2);
  // `start + step * i` and `end - step * (steps - i - 1)`, contracted to fused multiply-adds by the compiler.
  return Array.from({ length: steps }, (_, i) => (i < halfway ? fmaf(step, i, a) : fmaf(-step, steps - i - 1, b)));
}

/**
 * torch.exp of a float32 on the CPU: aten's vectorised kernel, SLEEF's expf (1-ulp, with fused
 * multiply-adds), which is not always the correctly rounded value (Math.exp rounded). Cody-Waite
 * reduction by ln 2, a degree-6 polynomial, then a scale by 2^q.
 */
export function torchExpf(x: number): number {
  const d = f(x);
  if (d < -104) return 0;
  if (d > 100) return Infinity;
  const q = roundEven(f(d * f(1.442695040888963407359924681001892137426645954152985934135449406931)));
  let s = fmaf(q, f(-0.693145751953125), d);
  s = fmaf(q, f(-1.428606765330187045e-6), s);
  let u = f(0.000198527617612853646278381);
  for (const c of [0.00139304355252534151077271, 0.00833336077630519866943359, 0.0416664853692054748535156, 0.166666671633720397949219, 0.5]) {
    u = fmaf(u, s, f(c));
  }
  u = f(1 + fmaf(f(s * s), u, s));
  return f(u * 2 ** q);
}

/** Round half to even (the CPU's default rounding of float to int). */
function roundEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
