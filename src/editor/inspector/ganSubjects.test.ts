import { describe, expect, it } from 'vitest';
import { subjectHelp } from './ganSubjects.ts';

const classes = [['red heart', 'heart'], ['cat face', 'cat'], ['cat', 'kitty'], ['dog face', 'dog']];

describe("a class-conditional GAN's subject, in words", () => {
  it('says an empty subject draws any class, one per seed', () => {
    expect(subjectHelp(classes, ' ')).toEqual({ line: 'any of its 4 emoji, one per seed; name one to draw it', offers: [] });
  });

  it('names the class or classes a subject draws', () => {
    expect(subjectHelp(classes, 'A heart').line).toBe('draws red heart');
    expect(subjectHelp(classes, 'cat').line).toBe('draws 2 emoji called so, one per seed: cat face, cat');
  });

  it('offers the classes whose names contain what was typed, or none', () => {
    expect(subjectHelp(classes, 'fac')).toEqual({ line: 'names no emoji it knows; did you mean:', offers: ['cat face', 'dog face'] });
    expect(subjectHelp(classes, 'zebra')).toEqual({ line: 'names no emoji it knows', offers: [] });
  });
});
