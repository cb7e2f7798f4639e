// Sizes in words: exact ones (a model's files, storage in use) and estimates (what a run would need).

const UNITS = ['B', 'KB', 'MB', 'GB', 'TB', 'PB'];

/** Decimal units: the value scaled below 1000, and its unit's index. */
function scaled(bytes: number): [number, number] {
  let v = bytes;
  let u = 0;
  while (v >= 1000 && u < UNITS.length - 1) [v, u] = [v / 1000, u + 1];
  return [v, u];
}

/** A size as the Models panel and the CLI show it: 512 B, 1.49 MB, 4.10 GB. */
export function formatBytes(bytes: number): string {
  const [v, u] = scaled(bytes);
  return `${u === 0 ? v : v.toFixed(v < 10 ? 2 : 1)} ${UNITS[u]}`;
}

/** An estimate, two significant figures at most: 1.5 GB, 512 MB, 96 KB. */
export function roughBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'an unbounded amount';
  const [v, u] = scaled(bytes);
  const unit = u === 0 ? 'bytes' : UNITS[u];
  return `${u === 0 ? Math.round(v) : v >= 100 ? Math.round(v) : Number(v.toPrecision(2))} ${unit}`;
}
