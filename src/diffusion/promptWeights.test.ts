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
