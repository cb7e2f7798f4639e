// Node search: fuzzy and ranked by match-sorter, over a node's title, the names other tools use for it
// (its `aliases`), its type id, param names, category, port types and description. With a dropped
// wire, only nodes that can take it.
//
// match-sorter ranks a query against each key's values (equal > starts with > a word starts with >
// contains > acronym > letters in order, as in "upscl") and keeps each node's best. The names (title,
// aliases, type id) rank in full; the other keys are capped at "contains", so a name matching as well
// or better always comes first, while a param named exactly "cfg" still beats a title that merely has
// the letters c, f, g in order. Descriptions are matched word by word (letters in order within one
// word, not scattered over a sentence) and capped lowest. A query of several words matches as a whole
// first ("clip text encode"), then every word must match some key, ranked by its first word. Ties
// keep a fixed order: category, then title.
import { matchSorter, rankings, type KeyOption } from 'match-sorter';
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

const portsOf = (d: NodeDefinition) => [...Object.values(d.inputs), ...Object.values(d.outputs)];

function hasPortType(def: NodeDefinition, type: string): boolean {
  return portsOf(def).some((s) => s.type === type);
}

/** Separators in ids ("diffusion.load_checkpoint") read as spaces, so words start after them. */
const spaced = (s: string) => s.replace(/[._]/g, ' ');

const KEYS: KeyOption<NodeDefinition>[] = [
  { key: (d) => d.title },
  { key: (d) => [...(d.aliases ?? [])] },
  { key: (d) => spaced(d.type) },
  { key: (d) => Object.entries(d.params).flatMap(([name, spec]) => [spaced(name), ...(spec.label ? [spec.label] : [])]), maxRanking: rankings.CONTAINS },
  { key: (d) => d.category, maxRanking: rankings.CONTAINS },
  { key: (d) => portsOf(d).map((s) => s.type), maxRanking: rankings.CONTAINS },
  { key: (d) => (d.description ?? '').split(/[^\p{L}\p{N}+]+/u).filter(Boolean), maxRanking: rankings.ACRONYM },
];

/** Equal ranks keep the order of the list given (sorted by category, then title, below). */
const rank = (defs: readonly NodeDefinition[], text: string) =>
  matchSorter(defs, text, { keys: KEYS, baseSort: (a, b) => a.index - b.index });

const byCategoryThenTitle = (a: NodeDefinition, b: NodeDefinition) =>
  a.category.localeCompare(b.category) || a.title.localeCompare(b.title) || a.type.localeCompare(b.type);

export function searchNodes(defs: readonly NodeDefinition[], q: SearchQuery): NodeDefinition[] {
  const candidates = defs
    .filter((d) => !q.pending || fitsWire(d, q.pending))
    .filter((d) => !q.portType || hasPortType(d, q.portType))
    .sort(byCategoryThenTitle);
  const text = q.text.trim().replace(/\s+/g, ' ');
  if (!text) return candidates;
  const whole = rank(candidates, text);
  const words = text.split(' ');
  if (words.length === 1) return whole;
  // Every word must match; reduceRight leaves the list ranked by the first word.
  const byWords = words.reduceRight((list, word) => rank(list, word), candidates);
  return [...new Set([...whole, ...byWords])];
}
