// Messages name nodes the way the person sees them: by title. The graph and the engine quote node ids
// ("n3"); where a quoted id stands for a node (after "of", "from", "node", "on", "(", or before "already
// depends"), it becomes the node's title with the id beside it. Quoted port names are left alone.
import type { GraphDoc } from '../graph/index.ts';
import { registry } from './catalog.ts';

/** A node as a person knows it: its title (or its type's), with its id when that says something more. */
export function nodeName(doc: Pick<GraphDoc, 'nodes'>, id: string): string {
  if (!doc.nodes.some((n) => n.id === id)) return `"${id}"`;
  return `${titleOf(doc, id)} (${id})`;
}

const NODE_REF = /((?:\bof|\bfrom|\bnode|\bon|\bcomes from|\()\s*)"([^"]{1,80})"|"([^"]{1,80})"(\s+already depends)/g;

export function withNodeNames(text: string, doc: Pick<GraphDoc, 'nodes'>): string {
  return text.replace(NODE_REF, (all, before: string | undefined, id1: string | undefined, id2: string | undefined, after: string | undefined, at: number) => {
    const id = id1 ?? id2!;
    if (!doc.nodes.some((n) => n.id === id)) return all;
    if (id2 !== undefined) return `${nodeName(doc, id)}${after}`;
    // The engine's own form, 'Title ("id")': the title is already there, only the quotes go.
    if (before!.trim() === '(' && text.slice(0, at).endsWith(`${titleOf(doc, id)} `)) return `${before}${id}`;
    return `${before}${nodeName(doc, id)}`;
  });
}

function titleOf(doc: Pick<GraphDoc, 'nodes'>, id: string): string {
  const node = doc.nodes.find((n) => n.id === id)!;
  return node.title ?? registry.get(node.type)?.title ?? node.type;
}
