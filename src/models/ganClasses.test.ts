import { describe, expect, it } from 'vitest';
import { classFor, nearClasses, normalSubject, subjectClasses } from './ganClasses.ts';

describe('subjects of a class-conditional GAN', () => {
  const classes = [['red heart', 'heart'], ['cat face', 'cat'], ['cat', 'kitty']];
  it('matches names without case, extra spaces or a leading article', () => {
    expect(normalSubject('  An  Apple ')).toBe('apple');
    expect(subjectClasses('The CAT', classes)).toEqual([1, 2]);
    expect(subjectClasses('', classes)).toEqual([0, 1, 2]);
    expect(subjectClasses('a red heart', classes)).toEqual([0]);
    expect(nearClasses('CAT', classes, 5)).toEqual(['cat face', 'cat']);
    expect(nearClasses('cat', classes, 1)).toEqual(['cat face']);
  });

  it('spreads seeds evenly over the choices, the same on every call', () => {
    const counts = [0, 0, 0];
    for (let s = 0; s < 3000; s++) counts[classFor(s, [0, 1, 2])]++;
    for (const c of counts) expect(c).toBeGreaterThan(900);
    expect(classFor(2 ** 40 + 5, [0, 1, 2])).toBe(classFor(2 ** 40 + 5, [0, 1, 2]));
    expect(classFor(12345, [7])).toBe(7);
  });
});
