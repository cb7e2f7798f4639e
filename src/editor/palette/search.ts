// Node search: by name, category and port type; with a dropped wire, only nodes that can take it.
import type { NodeDefinition } from '../../kernel/define.ts';
import { typesCompatible } from '../../graph/index.ts';
import { registry } from '../catalog.ts';
import type { PendingWire } from '../store/ui.ts';

export interface SearchQuery { text: string; portType: string; pending?: PendingWire }

export function fitsWire(def: NodeDefinition, p: PendingWire): boolean {
  return p.side === 'source'
    ? Object.values(def.inputs).some((s) => typesCompatible(p.type, s.type, registry))
    : Object.values(def.outputs).some((s) => typesCompatible(s.type, p.type, registry));
}

function hasPortType(def: NodeDefinition, type: string): boolean {
  return [...Object.values(def.inputs), ...Object.values(def.outputs)].some((s) => s.type === type);
}

export function searchNodes(defs: readonly NodeDefinition[], q: SearchQuery): NodeDefinition[] {
  const words = q.text.toLowerCase().split(/\s+/).filter(Boolean);
  const scored = defs
    .filter((d) => !q.pending || fitsWire(d, q.pending))
    .filter((d) => !q.portType || hasPortType(d, q.portType))
    .map((d) => {
      const hay = `${d.title} ${d.category} ${d.type} ${d.description ?? ''} ${portTypes(d)}`.toLowerCase();
      if (!words.every((w) => hay.includes(w))) return null;
      const title = d.title.toLowerCase();
      const phrase = words.join(' ');
      const score = !phrase ? 0 : title.startsWith(phrase) ? 0 : title.includes(phrase) ? 1 : title.startsWith(words[0]) ? 2 : 3;
      return { d, score };
    })
    .filter((x): x is { d: NodeDefinition; score: number } => x !== null);
  scored.sort((a, b) => a.score - b.score || a.d.category.localeCompare(b.d.category) || a.d.title.localeCompare(b.d.title));
  return scored.map((x) => x.d);
}

function portTypes(d: NodeDefinition): string {
  return [...Object.values(d.inputs), ...Object.values(d.outputs)].map((s) => s.type).join(' ');
}
