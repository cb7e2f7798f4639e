import { describe, expect, it } from 'vitest';
import { image } from '../../src/image/value.ts';
import { bare, plainCaptions, sample, subjects, withArticle } from './captions.ts';
import { toInput } from './classifier.ts';

const labels = [
  { index: 0, label: 'cat face', char: '🐱', plain: ['cat face', 'cat'] },
  { index: 1, label: 'cat', char: '🐈', plain: ['cat'] },
  { index: 2, label: 'sunglasses', char: '🕶', plain: ['sunglasses', 'octopus'] },
];

describe('evaluation captions', () => {
  it('adds an article as the training data did: none for plurals, "an" before a vowel', () => {
    expect(['cat', 'apple', 'sunglasses', 'glass', 'octopus'].map(withArticle)).toEqual(['a cat', 'an apple', 'sunglasses', 'a glass', 'an octopus']);
    expect(bare('an apple')).toBe('apple');
    expect(bare('sunglasses')).toBe('sunglasses');
  });

  it('lists each plain caption with and without its article, and the classes each names', () => {
    expect(plainCaptions(labels)).toEqual(['a cat', 'a cat face', 'an octopus', 'cat', 'cat face', 'octopus', 'sunglasses']);
    expect([...subjects(labels).get('cat')!]).toEqual([0, 1]);
  });

  it('samples the same distinct items for the same seed', () => {
    const items = [...Array(50).keys()];
    const a = sample(items, 10, 16);
    expect(sample(items, 10, 16)).toEqual(a);
    expect(new Set(a).size).toBe(10);
    expect(sample(items, 10, 17)).not.toEqual(a);
  });

  it('feeds the classifier 64 px NCHW, 128 px images averaged over 2x2 blocks', () => {
    const img = image(128, 128, 3);
    for (let y = 0; y < 128; y++) for (let x = 0; x < 128; x++) img.data[(y * 128 + x) * 3 + 1] = (x % 2) * 0.5 + (y % 2) * 0.25;
    const input = toInput(img);
    expect(input.length).toBe(3 * 64 * 64);
    expect(input[64 * 64 + 5]).toBeCloseTo((0 + 0.5 + 0.25 + 0.75) / 4, 6); // green plane
    expect(input[5]).toBe(0);
    expect(() => toInput(image(100, 100, 3))).toThrow(/multiple of 64/);
  });
});
