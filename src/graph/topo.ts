import type { GraphEdge } from './types.ts';

export type TopoResult = { ok: true; order: string[] } | { ok: false; cycle: string[] };

/** Kahn's algorithm; ties keep the document's node order so runs are predictable. */
export function topoSort(nodeIds: readonly string[], edges: readonly GraphEdge[]): TopoResult {
  const index = new Map(nodeIds.map((id, i) => [id, i]));
  const indegree = new Map(nodeIds.map((id) => [id, 0]));
  const next = new Map<string, string[]>(nodeIds.map((id) => [id, []]));
  for (const e of edges) {
    if (!index.has(e.from.node) || !index.has(e.to.node)) continue;
    next.get(e.from.node)!.push(e.to.node);
    indegree.set(e.to.node, indegree.get(e.to.node)! + 1);
  }
  const ready = nodeIds.filter((id) => indegree.get(id) === 0);
  const order: string[] = [];
  while (ready.length > 0) {
    ready.sort((a, b) => index.get(a)! - index.get(b)!);
    const id = ready.shift()!;
    order.push(id);
    for (const to of next.get(id)!) {
      const d = indegree.get(to)! - 1;
      indegree.set(to, d);
      if (d === 0) ready.push(to);
    }
  }
  if (order.length === nodeIds.length) return { ok: true, order };
  return { ok: false, cycle: findCycle(nodeIds.filter((id) => indegree.get(id)! > 0), next) };
}

/** One concrete cycle among the nodes left over, for an error message that names it. */
function findCycle(left: string[], next: Map<string, string[]>): string[] {
  // Drop nodes that merely hang below a cycle, so every walk step finds a successor.
  const live = new Set(left);
  for (let changed = true; changed;) {
    changed = false;
    for (const id of live) {
      if (!next.get(id)!.some((n) => live.has(n))) { live.delete(id); changed = true; }
    }
  }
  const path: string[] = [];
  const onPath = new Map<string, number>();
  let id = left.find((n) => live.has(n))!;
  while (!onPath.has(id)) {
    onPath.set(id, path.length);
    path.push(id);
    id = next.get(id)!.find((n) => live.has(n))!;
  }
  return path.slice(onPath.get(id)!);
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
  for (const [a, b] of links) next.set(a, [...(next.get(a) ?? []), b]);
  const seen = new Set<string>();
  const stack = [...start];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return seen;
}
