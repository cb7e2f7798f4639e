// Node search: fuzzy and ranked, over a node's title, the names other tools use for it (its `aliases`),
// its type id, param names, category, description and port types. With a dropped wire, only nodes
// that can take it. Hand-written ranking (no search library in the project):
//   each query word scores its best match in any field: the whole field (100), the field's start (90),
//   a word's start (80), anywhere (60), or its letters in order ("upscl" in "upscale", up to 45);
//   the score is weighted by the field (title 1, aliases 0.95, type 0.7, param names 0.6, category 0.5,
//   description and port types 0.4); every word must match something; the whole query matching a title
//   or alias adds a bonus. Ties go to the shorter title, then category and title.
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

interface Field { text: string; weight: number }

function fieldsOf(d: NodeDefinition): Field[] {
  const ports = [...Object.values(d.inputs), ...Object.values(d.outputs)].map((s) => s.type.toLowerCase());
  const params = Object.entries(d.params).flatMap(([name, spec]) => [name.replace(/_/g, ' '), ...(spec.label ? [spec.label] : [])]);
  return [
    { text: d.title, weight: 1 },
    ...(d.aliases ?? []).map((a) => ({ text: a, weight: 0.95 })),
    { text: d.type.replace(/[._]/g, ' '), weight: 0.7 },
    ...params.map((p) => ({ text: p, weight: 0.6 })),
    { text: d.category, weight: 0.5 },
    ...(d.description ? [{ text: d.description, weight: 0.4 }] : []),
    ...ports.map((p) => ({ text: p, weight: 0.4 })),
  ].map((f) => ({ ...f, text: f.text.toLowerCase() }));
}

/** How well one query word matches one field's text, 0 when it does not. */
export function wordScore(word: string, text: string): number {
  if (text === word) return 100;
  if (text.startsWith(word)) return 90;
  if (new RegExp(`(^|[^a-z0-9])${escape(word)}`).test(text)) return 80;
  if (text.includes(word)) return 60;
  return word.length >= 3 ? fuzzy(word, text) : 0;
}

/** The word's letters in order inside the text: tighter and earlier is better; 0 when they are not all there. */
function fuzzy(word: string, text: string): number {
  let best = 0;
  for (let start = text.indexOf(word[0]); start >= 0; start = text.indexOf(word[0], start + 1)) {
    let at = start;
    let i = 1;
    for (; i < word.length; i++) {
      at = text.indexOf(word[i], at + 1);
      if (at < 0) break;
    }
    if (i < word.length) break;
    const span = at - start + 1;
    const tight = word.length / span;
    if (tight < 0.5) continue;
    const wordStart = start === 0 ? 1 : /[^a-z0-9]/.test(text[start - 1]) ? 0.9 : 0.6;
    best = Math.max(best, 45 * tight * wordStart);
  }
  return best;
}

const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The node's score for the query words, or null when a word matches nothing. */
export function scoreNode(d: NodeDefinition, words: readonly string[]): number | null {
  if (words.length === 0) return 0;
  const fields = fieldsOf(d);
  let total = 0;
  for (const w of words) {
    let best = 0;
    for (const f of fields) best = Math.max(best, wordScore(w, f.text) * f.weight);
    if (best === 0) return null;
    total += best;
  }
  const phrase = words.join(' ');
  const names = [d.title.toLowerCase(), ...(d.aliases ?? []).map((a) => a.toLowerCase())];
  if (names.includes(phrase)) total += 60;
  else if (names.some((n) => n.startsWith(phrase))) total += 30;
  return total;
}

export function searchNodes(defs: readonly NodeDefinition[], q: SearchQuery): NodeDefinition[] {
  const words = q.text.toLowerCase().split(/\s+/).filter(Boolean);
  const scored = defs
    .filter((d) => !q.pending || fitsWire(d, q.pending))
    .filter((d) => !q.portType || hasPortType(d, q.portType))
    .map((d) => ({ d, score: scoreNode(d, words) }))
    .filter((x): x is { d: NodeDefinition; score: number } => x.score !== null);
  scored.sort((a, b) => b.score - a.score || (words.length ? a.d.title.length - b.d.title.length : 0)
    || a.d.category.localeCompare(b.d.category) || a.d.title.localeCompare(b.d.title));
  return scored.map((x) => x.d);
}
