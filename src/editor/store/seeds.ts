// What happens to a seed param after each run is queued: kept (fixed), plus one (increment), or a new
// random one (randomize), as in other tools. Remembered per node and param in this browser.
import type { GraphDoc } from '../../graph/index.ts';
import { MAX_SEED } from '../../graph/index.ts';
import { registry } from '../catalog.ts';
import { createStore, useStore } from './createStore.ts';

export type SeedMode = 'fixed' | 'increment' | 'randomize';
export const SEED_MODES: readonly SeedMode[] = ['fixed', 'increment', 'randomize'];

const KEY = 'loom.seedModes';
const key = (nodeId: string, param: string) => `${nodeId}:${param}`;

function read(): Record<string, SeedMode> {
  try {
    const saved = JSON.parse(globalThis.localStorage?.getItem(KEY) ?? '{}') as Record<string, unknown>;
    return Object.fromEntries(Object.entries(saved).filter((e): e is [string, SeedMode] => SEED_MODES.includes(e[1] as SeedMode)));
  } catch {
    return {};
  }
}

export const seedStore = createStore<Record<string, SeedMode>>(read());

export const useSeedMode = (nodeId: string, param: string): SeedMode => useStore(seedStore, (s) => s[key(nodeId, param)] ?? 'fixed');

export function setSeedMode(nodeId: string, param: string, mode: SeedMode): void {
  seedStore.set((s) => {
    const next = { ...s };
    if (mode === 'fixed') delete next[key(nodeId, param)];
    else next[key(nodeId, param)] = mode;
    return next;
  });
  try { globalThis.localStorage?.setItem(KEY, JSON.stringify(seedStore.get())); } catch { /* this visit only */ }
}

/** The seed params a run changes afterwards: node, param and the new value. `random` gives a number in [0, 1). */
export function nextSeeds(doc: GraphDoc, modes: Record<string, SeedMode>, random: () => number = Math.random): { nodeId: string; param: string; value: number }[] {
  const out: { nodeId: string; param: string; value: number }[] = [];
  for (const node of doc.nodes) {
    const def = registry.get(node.type);
    if (!def) continue;
    for (const [param, spec] of Object.entries(def.params)) {
      if (spec.kind !== 'seed') continue;
      const mode = modes[key(node.id, param)];
      const now = Number(node.params[param] ?? spec.default);
      if (mode === 'increment') out.push({ nodeId: node.id, param, value: now >= MAX_SEED ? 0 : now + 1 });
      else if (mode === 'randomize') out.push({ nodeId: node.id, param, value: Math.floor(random() * 2 ** 32) % (MAX_SEED + 1) });
    }
  }
  return out;
}
