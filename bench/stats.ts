// Timing helpers: medians of repeated runs, measured side by side in one process.

/** Runs a and b alternately so drift on a shared machine hits both alike; returns their medians. */
export async function sideBySide(times: number, a: () => Promise<unknown>, b: () => Promise<unknown>): Promise<[number, number]> {
  const ta: number[] = [];
  const tb: number[] = [];
  for (let i = 0; i < times; i++) {
    for (const [fn, into] of [[a, ta], [b, tb]] as const) {
      const t0 = performance.now();
      await fn();
      into.push(performance.now() - t0);
    }
  }
  const mid = (xs: number[]) => xs.sort((x, y) => x - y)[Math.floor(xs.length / 2)];
  return [mid(ta), mid(tb)];
}

export const fmt = (n: number, digits = 3) => Number(n.toFixed(digits));

export interface Spread { median: number; min: number; max: number }

/** Like sideBySide, for any number of contenders, keeping each one's median, min and max. */
export async function alternate(times: number, fns: (() => Promise<unknown>)[]): Promise<Spread[]> {
  const runs: number[][] = fns.map(() => []);
  for (let i = 0; i < times; i++) {
    for (const [k, fn] of fns.entries()) {
      const t0 = performance.now();
      await fn();
      runs[k].push(performance.now() - t0);
    }
  }
  return runs.map(spread);
}

export function spread(xs: number[]): Spread {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
}

/** "median (min..max)" in ms. */
export const showMs = (s: Spread) => `${fmt(s.median, 0)} (${fmt(s.min, 0)}..${fmt(s.max, 0)})`;
