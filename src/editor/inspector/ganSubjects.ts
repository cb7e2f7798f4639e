// What a class-conditional GAN's subject draws, in words, with names to offer when it names none.
import { matchingClasses, nearClasses, normalSubject } from '../../models/ganClasses.ts';

const OFFERS = 8;

/** What a subject asks of classes: a line to show, and class titles to offer when it names none. */
export function subjectHelp(classes: readonly (readonly string[])[], subject: string): { line: string; offers: string[] } {
  if (normalSubject(subject) === '') return { line: `any of its ${classes.length} emoji, one per seed; name one to draw it`, offers: [] };
  const hits = matchingClasses(subject, classes);
  if (hits.length === 0) {
    const offers = nearClasses(subject, classes, OFFERS);
    return { line: offers.length > 0 ? 'names no emoji it knows; did you mean:' : 'names no emoji it knows', offers };
  }
  const titles = hits.map((k) => classes[k][0]);
  return { line: hits.length === 1 ? `draws ${titles[0]}` : `draws ${hits.length} emoji called so, one per seed: ${titles.slice(0, OFFERS).join(', ')}`, offers: [] };
}
