// Prompts the text-to-image bars are measured on: plain-word captions ("a cat", "cat face", "pizza"),
// built from the classifier's labels exactly as models/train/prepare_emoji.py builds them.
import type { Label } from './classifier.ts';

export const NAMED = ['a cat', 'a dog', 'a car', 'a rocket', 'a banana', 'a red heart', 'a bicycle', 'pizza'];

/** prepare_emoji.py's with_article: plurals and mass nouns stay bare. */
export function withArticle(bare: string): string {
  if (bare.endsWith('s') && !bare.endsWith('ss') && !bare.endsWith('us')) return bare;
  return ('aeiou'.includes(bare[0]) ? 'an ' : 'a ') + bare;
}

export const bare = (caption: string) => caption.replace(/^(a|an) /, '');

/** Every plain caption, with and without its article, sorted. */
export function plainCaptions(labels: Label[]): string[] {
  const all = new Set<string>();
  for (const l of labels) for (const b of l.plain) { all.add(b); all.add(withArticle(b)); }
  return [...all].sort();
}

/** bare plain caption -> the classes it names ("cat" -> cat face, cat). */
export function subjects(labels: Label[]): Map<string, Set<number>> {
  const map = new Map<string, Set<number>>();
  for (const l of labels) for (const b of l.plain) {
    if (!map.has(b)) map.set(b, new Set());
    map.get(b)!.add(l.index);
  }
  return map;
}

/** A seeded generator (mulberry32): the same picks on every run and machine. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** n distinct items, a seeded partial Fisher-Yates shuffle. */
export function sample<T>(items: readonly T[], n: number, seed: number): T[] {
  const rand = seeded(seed);
  const a = [...items];
  for (let i = 0; i < Math.min(n, a.length); i++) {
    const j = i + Math.floor(rand() * (a.length - i));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a.slice(0, n);
}
