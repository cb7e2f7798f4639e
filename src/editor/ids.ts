// Short ids that are unique within one document.
export function freshId(prefix: string, taken: Iterable<string>): string {
  const used = new Set(taken);
  let max = 0;
  for (const id of used) {
    const m = id.startsWith(prefix) ? /^(\d+)$/.exec(id.slice(prefix.length)) : null;
    if (m) max = Math.max(max, Number(m[1]));
  }
  return `${prefix}${max + 1}`;
}

/** Several fresh ids at once. */
export function freshIds(prefix: string, taken: Iterable<string>, count: number): string[] {
  const used = new Set(taken);
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const id = freshId(prefix, used);
    used.add(id);
    out.push(id);
  }
  return out;
}
