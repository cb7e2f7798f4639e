// Mojibake repair against the real ftfy: its test cases, its docs' examples and a few more, run
// through ftfy 6.3 by models/tools/reference/ftfy_ref.py.
import { describe, expect, it } from 'vitest';
import { cleanPrompt, fixText } from './clipText.ts';
import fixture from './fixtures/ftfy.json';
import { badness, fixEncoding, isBad } from './mojibake.ts';

interface Case { label: string; original: string; fixEncoding: string; steps: string[][]; fixText: string; badness: number }
const cases = fixture.cases as Case[];

describe('ftfy badness heuristic', () => {
  it('counts the same unlikely sequences as ftfy on every case', () => {
    const wrong = cases.filter((c) => badness(c.original) !== c.badness).map((c) => `${c.label}: ${badness(c.original)} != ${c.badness}`);
    expect(wrong).toEqual([]);
  });
  it('leaves correct text alone', () => {
    for (const text of ['naïve', 'Ã', 'crème brûlée', 'Ελληνικά', '¿Qué?', '£5 and ©2024', 'l’été']) expect(isBad(text), text).toBe(false);
  });
});

describe('fix_encoding', () => {
  it('gives what ftfy.fix_encoding gives, on every case', () => {
    const wrong = cases.filter((c) => fixEncoding(c.original) !== c.fixEncoding)
      .map((c) => `${c.label}: ${JSON.stringify(c.original)} -> ${JSON.stringify(fixEncoding(c.original))}, ftfy ${JSON.stringify(c.fixEncoding)} ${JSON.stringify(c.steps)}`);
    expect(wrong).toEqual([]);
  });
  it('repairs the common cases, one layer or several', () => {
    expect(fixEncoding('cafÃ©')).toBe('café');
    expect(fixEncoding('cafÃƒÂ©')).toBe('café');
    expect(fixEncoding('The Mona Lisa doesnÃ¢â‚¬â„¢t have eyebrows.')).toBe('The Mona Lisa doesn’t have eyebrows.');
    expect(fixEncoding('voilÃ  le travail')).toBe('voilà le travail');
    expect(fixEncoding('naïve')).toBe('naïve');
    expect(fixEncoding('Ã')).toBe('Ã');
  });
});

describe("CLIP's cleanup runs fix_encoding", () => {
  it('gives what ftfy.fix_text gives on cases without HTML or line-break fixes', () => {
    const plain = cases.filter((c) => !/[&<\r\x1b\u2028\u2029\x85]/.test(c.original) && !/[\ud800-\udfff]/.test(c.original.replace(/[\ud800-\udbff][\udc00-\udfff]/g, '')));
    const wrong = plain.filter((c) => fixText(c.original) !== c.fixText)
      .map((c) => `${c.label}: ${JSON.stringify(fixText(c.original))} != ${JSON.stringify(c.fixText)}`);
    expect(wrong).toEqual([]);
    expect(plain.length).toBeGreaterThan(150);
  });
  it('tokenizes "cafÃ©" as "café"', () => {
    expect(cleanPrompt('A cafÃ© in Paris')).toBe('a café in paris');
  });
});
