// Timing helpers: medians of repeated runs, measured side by side in one process.

/** Node's collector when run with --expose-gc (`npm run bench` does). */
const gc = (globalThis as { gc?: () => void }).gc;

export const fmt = (n: number, digits = 3) => Number(n.toFixed(digits));

export interface Spread { median: number; min: number; max: number }

/** Runs contenders alternately, so drift on a shared machine hits all alike; each one's median, min and max. */
export async function alternate(times: number, fns: (() => Promise<unknown>)[]): Promise<Spread[]> {
  return (await rounds(times, fns)).map((t) => t.spread);
}

export function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}

/** "median (min..max)" in ms. */
export const showMs = (s: Spread) => `${fmt(s.median, 0)} (${fmt(s.min, 0)}..${fmt(s.max, 0)})`;

/** One contender's times over the rounds of `rounds`, in round order, and their spread. */
export interface Timed { times: number[]; spread: Spread }

/** `times` rounds, each running every contender once in turn; keeps every time so ratios can be taken per round. */
export async function rounds(times: number, fns: (() => Promise<unknown>)[]): Promise<Timed[]> {
  const runs: number[][] = fns.map(() => []);
  for (let i = 0; i < times; i++) {
    for (const [k, fn] of fns.entries()) {
      gc?.(); // each contender starts on a clean heap and pays only for its own garbage
      const t0 = performance.now();
      await fn();
      runs[k].push(performance.now() - t0);
    }
  }
  return runs.map((xs) => ({ times: xs, spread: spread(xs) }));
}

/** a / b within each round: "median (min..max)". */
export function roundRatios(a: Timed, b: Timed): Spread {
  return spread(a.times.map((t, i) => t / b.times[i]));
}

export const showRatio = (a: Timed, b: Timed) => showSpread(roundRatios(a, b));

/** "median (min..max)" of ratios. */
export const showSpread = (s: Spread, digits = 3) => `${fmt(s.median, digits)} (${fmt(s.min, digits)}..${fmt(s.max, digits)})`;
