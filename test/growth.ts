// For tests that check how work grows with size (linear, not quadratic), never a machine's speed.

/** The fastest of five runs of `work`, in ms: the least disturbed by whatever else the machine does. */
export function bestOfFive(work: () => void): number {
  let best = Infinity;
  for (let k = 0; k < 5; k++) {
    const t = performance.now();
    work();
    best = Math.min(best, performance.now() - t);
  }
  return best;
}
