// Example graphs: every graphs/*.json, bundled at build time. graphs/default.json opens on first start.
import type { GraphDoc } from '../../graph/index.ts';

const files = import.meta.glob<unknown>('../../../graphs/*.json', { eager: true, import: 'default' });

export interface Example { name: string; doc: unknown }

export const EXAMPLES: Example[] = Object.entries(files)
  .map(([path, doc]) => ({ name: path.split('/').pop()!.replace(/\.json$/, ''), doc }))
  .sort((a, b) => (a.name === 'default' ? -1 : b.name === 'default' ? 1 : a.name.localeCompare(b.name)));

/** The graph a first start opens: default.json when it exists, else the first example. */
export function firstStartGraph(): unknown | undefined {
  return (EXAMPLES.find((e) => e.name === 'default') ?? EXAMPLES[0])?.doc as GraphDoc | undefined;
}
