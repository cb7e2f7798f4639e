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
