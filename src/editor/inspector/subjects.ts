// What a bundled text-to-image model can be asked for, from the subjects.json shipped beside it
// (written by models/train/export.py): the names of the emoji it trained on, and the
// captions it is known to draw. The prompt box shows them, and completes from them, when it feeds that model.
import type { GraphDoc } from '../../graph/index.ts';
import emojiSd from '../../../models/bundle/loom-emoji-sd/subjects.json';

export interface Subjects { model: string; about: string; known: string[]; subjects: string[] }

const BY_MODEL: Record<string, Subjects> = {
  'loom-emoji-sd': { model: 'Loom Emoji SD', ...emojiSd },
};

/**
 * The subjects of the model a prompt node's text reaches: a node fed by the prompt (a Text Encoder)
 * whose other inputs come from a node that names a model we ship subjects for (Load Stable Diffusion).
 */
export function subjectsForPrompt(doc: GraphDoc, promptId: string): Subjects | undefined {
  const readers = new Set(doc.edges.filter((e) => e.from.node === promptId).map((e) => e.to.node));
  for (const e of doc.edges) {
    if (!readers.has(e.to.node)) continue;
    const source = doc.nodes.find((n) => n.id === e.from.node);
    const model = source?.params.model;
    if (typeof model === 'string' && Object.hasOwn(BY_MODEL, model)) return BY_MODEL[model];
  }
  return undefined;
}

/** Up to `max` subjects for the part of the prompt being typed (after the last comma): starts-with first, then contains. */
export function completions(s: Subjects, text: string, max = 6): string[] {
  const part = lastPart(text).toLowerCase();
  if (part.length < 2) return [];
  const all = [...new Set([...s.known, ...s.subjects])];
  const starts = all.filter((x) => x.startsWith(part) && x !== part);
  const words = all.filter((x) => !x.startsWith(part) && x.split(' ').some((w) => w.startsWith(part)));
  const inside = all.filter((x) => !x.startsWith(part) && !x.split(' ').some((w) => w.startsWith(part)) && x.includes(part));
  return [...starts, ...words, ...inside].slice(0, max);
}

const lastPart = (text: string): string => text.slice(text.lastIndexOf(',') + 1).trim();

/** The prompt with the part being typed replaced by the chosen subject. */
export function complete(text: string, subject: string): string {
  const cut = text.lastIndexOf(',');
  return cut < 0 ? subject : `${text.slice(0, cut + 1)} ${subject}`;
}
