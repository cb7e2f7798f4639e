import { describe, expect, it } from 'vitest';
import fixture from './fixtures/prompt_weights.json';
import { parsePromptAttention, promptChunks } from './promptWeights.ts';

describe("parsePromptAttention equals AUTOMATIC1111's parse_prompt_attention", () => {
  it('has at least 40 cases', () => expect(fixture.attention.length).toBeGreaterThanOrEqual(40));
  for (const c of fixture.attention as { text: string; parsed?: [string, number][]; error?: string }[]) {
    it(JSON.stringify(c.text), () => {
      if (c.error) expect(() => parsePromptAttention(c.text)).toThrow(/could not convert string to float/);
      else expect(parsePromptAttention(c.text)).toEqual(c.parsed);
    });
  }
});

describe('promptChunks', () => {
  const ids = { start: 100, end: 101, pad: 0 };
  const words = (t: string) => t.split(/\s+/).filter(Boolean).map((w) => w.length);
  it('one chunk of 77: start, tokens, end, then pad tokens after the first end token; multipliers per token', () => {
    const [chunk, ...rest] = promptChunks([['ab ccc', 1], ['d', 1.5]], words, ids);
    expect(rest).toEqual([]);
    expect(chunk.tokens.slice(0, 6)).toEqual([100, 2, 3, 1, 101, 0]);
    expect(chunk.tokens).toHaveLength(77);
    expect(chunk.multipliers.slice(0, 5)).toEqual([1, 1, 1, 1.5, 1]);
  });
  it('76 tokens make two chunks; BREAK ends a chunk; an empty prompt is one chunk', () => {
    expect(promptChunks([[Array(76).fill('a').join(' '), 1]], words, ids).map((c) => c.tokens.filter((t) => t === 1).length)).toEqual([75, 1]);
    expect(promptChunks([['a', 1], ['BREAK', -1], ['b', 1]], words, ids)).toHaveLength(2);
    expect(promptChunks([['', 1]], words, ids)).toHaveLength(1);
  });
});

describe('promptChunks, comma backtracking', () => {
  const ids = { start: 100, end: 101, pad: 101, comma: 9 };
  const tokens = (t: string) => t.split(' ').filter(Boolean).map((w) => (w === ',' ? 9 : 1));
  it('a full chunk whose last comma is at most 20 tokens back moves what follows the comma to the next chunk', () => {
    const text = `${Array(60).fill('a').join(' ')} , ${Array(20).fill('a').join(' ')}`; // comma at 60, then 20 tokens
    const [first, second] = promptChunks([[text, 1]], tokens, ids);
    expect(first.tokens.indexOf(101)).toBe(62); // start + 60 tokens + the comma
    expect(second.tokens.slice(1).indexOf(101)).toBe(20);
    const far = `${Array(50).fill('a').join(' ')} , ${Array(30).fill('a').join(' ')}`; // comma 25 back: no move
    expect(promptChunks([[far, 1]], tokens, ids)[0].tokens.indexOf(101)).toBe(76);
    expect(promptChunks([[text, 1]], tokens, ids, 75, 0)[0].tokens.indexOf(101)).toBe(76); // backtracking off
  });
});
