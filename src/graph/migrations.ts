// Older documents load through explicit steps, one per version: migration[v] turns version v into v + 1.
import type { NodeSchema } from './catalog.ts';
import { describeValue } from './text.ts';
import { GRAPH_VERSION, type GraphNode } from './types.ts';

export type Migration = (doc: Record<string, unknown>) => Record<string, unknown>;

/** The real chain. Version 1 is the first format; each later version adds its step here. */
export const MIGRATIONS: Record<number, Migration> = {};

export type MigrateResult =
  | { ok: true; doc: Record<string, unknown>; from: number }
  | { ok: false; message: string };

export function migrate(
  doc: Record<string, unknown>, chain: Record<number, Migration> = MIGRATIONS, target = GRAPH_VERSION,
): MigrateResult {
  const from = doc.version;
  if (typeof from !== 'number' || !Number.isInteger(from) || from < 1) {
    return { ok: false, message: `"version" must be a whole number from 1 (got ${describeValue(from)})` };
  }
  if (from > target) {
    return { ok: false, message: `this graph is version ${from}, newer than this app understands (${target}); update Latent Loom to open it` };
  }
  let current = doc;
  for (let v = from; v < target; v++) {
    const step = chain[v];
    if (!step) return { ok: false, message: `no migration from version ${v} to ${v + 1}` };
    current = { ...step(current), version: v + 1 };
  }
  return { ok: true, doc: current, from };
}

/**
 * A stored node brought up to its type's version through the type's own steps (`migrate[v]` turns
 * version v into v + 1); null when a step is missing. Nodes change more often than the file format.
 */
export function migrateNode(node: GraphNode, schema: NodeSchema): GraphNode | null {
  let params = node.params;
  for (let v = node.version; v < schema.version; v++) {
    const step = schema.migrate && Object.hasOwn(schema.migrate, v) ? schema.migrate[v] : undefined;
    if (!step) return null;
    params = step(params);
  }
  return { ...node, version: schema.version, params };
}
