// Which class each image of a class-conditional GAN draws: one the subject names ("a cat" -> cat face or
// cat), or with no subject any class; among several, the image's seed picks, so seeds vary the subject.

/** "A Cat " -> "cat": lower case, single spaces, no leading article. */
export function normalSubject(s: string): string {
  return s.toLowerCase().replace(/\s+/g, ' ').trim().replace(/^(a|an|the) /, '');
}

/** The classes with a name equal to the subject (after normalSubject), every class for an empty one; [] for none. */
export function matchingClasses(subject: string, classes: readonly (readonly string[])[]): number[] {
  const want = normalSubject(subject);
  if (want === '') return classes.map((_, i) => i);
  return classes.flatMap((names, i) => (names.some((n) => normalSubject(n) === want) ? [i] : []));
}

/** matchingClasses, or for none an error naming the subject field, with the classes whose names contain it. */
export function subjectClasses(subject: string, classes: readonly (readonly string[])[]): number[] {
  const hits = matchingClasses(subject, classes);
  if (hits.length > 0) return hits;
  const near = nearClasses(subject, classes, 6).map((title) => `"${title}"`);
  throw new Error(`subject "${subject.slice(0, 80)}" names none of this GAN's ${classes.length} classes; `
    + (near.length > 0 ? `names with it: ${near.join(', ')}` : `leave it empty for any class, or name one such as "${classes[0][0]}"`));
}

/** Titles of up to `n` classes with a name that contains the subject: what to offer when it names none. */
export function nearClasses(subject: string, classes: readonly (readonly string[])[], n: number): string[] {
  const want = normalSubject(subject);
  return classes.filter((names) => names.some((name) => normalSubject(name).includes(want))).slice(0, n).map((names) => names[0]);
}

/** One of `choices` for a seed: the same on every run and machine, spread evenly over the seeds. */
export function classFor(seed: number, choices: readonly number[]): number {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 2 ** 32) >>> 0;
  const u = mix(lo ^ mix(hi + 0x9e3779b9)) / 2 ** 32;
  return choices[Math.floor(u * choices.length)];
}

/** murmur3's 32-bit finaliser. */
function mix(h: number): number {
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
