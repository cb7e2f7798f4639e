import type { GraphEdge } from './types.ts';

export type TopoResult = { ok: true; order: string[] } | { ok: false; cycle: string[] };

/**
 * Kahn's algorithm; ties keep the document's node order so runs are predictable. The ready nodes
 * wait in a binary heap keyed by document position, so a graph of n nodes and e edges sorts in
 * O((n + e) log n).
 */
export function topoSort(nodeIds: readonly string[], edges: readonly GraphEdge[]): TopoResult {
  const index = new Map<string, number>();
  nodeIds.forEach((id, i) => { if (!index.has(id)) index.set(id, i); });
  const indegree = new Int32Array(nodeIds.length);
  const next: number[][] = nodeIds.map(() => []);
  for (const e of edges) {
    const from = index.get(e.from.node);
    const to = index.get(e.to.node);
    if (from === undefined || to === undefined) continue;
    next[from].push(to);
    indegree[to]++;
  }
  const ready = new MinHeap();
  for (let i = 0; i < nodeIds.length; i++) if (indegree[i] === 0) ready.push(i);
  const order: string[] = [];
  while (ready.size > 0) {
    const i = ready.pop();
    order.push(nodeIds[i]);
    for (const to of next[i]) if (--indegree[to] === 0) ready.push(to);
  }
  if (order.length === nodeIds.length) return { ok: true, order };
  const left: number[] = [];
  for (let i = 0; i < nodeIds.length; i++) if (indegree[i] > 0) left.push(i);
  return { ok: false, cycle: findCycle(left, next).map((i) => nodeIds[i]) };
}

/** Smallest number first. */
class MinHeap {
  private readonly items: number[] = [];
  get size(): number { return this.items.length; }
  push(v: number): void {
    const a = this.items;
    let i = a.push(v) - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (a[p] <= v) break;
      a[i] = a[p];
      i = p;
    }
    a[i] = v;
  }
  pop(): number {
    const a = this.items;
    const top = a[0];
    const last = a.pop()!;
    if (a.length > 0) {
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        if (l >= a.length) break;
        const c = l + 1 < a.length && a[l + 1] < a[l] ? l + 1 : l;
        if (a[c] >= last) break;
        a[i] = a[c];
        i = c;
      }
      a[i] = last;
    }
    return top;
  }
}

/** One concrete cycle among the nodes left over, for an error message that names it. */
function findCycle(left: number[], next: number[][]): number[] {
  // Drop nodes that merely hang below a cycle (Kahn's algorithm backwards, on out-degrees within
  // the leftovers), so every walk step finds a successor.
  const live = new Set(left);
  const outdegree = new Map<number, number>();
  const prev = new Map<number, number[]>(left.map((i) => [i, []]));
  for (const i of left) {
    let d = 0;
    for (const n of next[i]) {
      if (!live.has(n)) continue;
      d++;
      prev.get(n)!.push(i);
    }
    outdegree.set(i, d);
  }
  const dead = left.filter((i) => outdegree.get(i) === 0);
  while (dead.length > 0) {
    const i = dead.pop()!;
    live.delete(i);
    for (const p of prev.get(i)!) {
      const d = outdegree.get(p)! - 1;
      outdegree.set(p, d);
      if (d === 0) dead.push(p);
    }
  }
  const path: number[] = [];
  const onPath = new Map<number, number>();
  let i = left.find((n) => live.has(n))!;
  while (!onPath.has(i)) {
    onPath.set(i, path.length);
    path.push(i);
    i = next[i].find((n) => live.has(n))!;
  }
  return path.slice(onPath.get(i)!);
}

/** Every node that `targets` depend on, the targets included. */
export function ancestors(targets: Iterable<string>, edges: readonly GraphEdge[]): Set<string> {
  return reach(targets, edges.map((e) => [e.to.node, e.from.node]));
}

/** Every node that depends on `roots`, the roots included. */
export function descendants(roots: Iterable<string>, edges: readonly GraphEdge[]): Set<string> {
  return reach(roots, edges.map((e) => [e.from.node, e.to.node]));
}

function reach(start: Iterable<string>, links: [string, string][]): Set<string> {
  const next = new Map<string, string[]>();
  for (const [a, b] of links) {
    const list = next.get(a);
    if (list) list.push(b);
    else next.set(a, [b]);
  }
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    for (const n of next.get(id) ?? []) stack.push(n);
  }
  return seen;
}
