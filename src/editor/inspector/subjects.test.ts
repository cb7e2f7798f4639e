import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { GraphDoc } from '../../graph/index.ts';
import { complete, completions, subjectsForPrompt } from './subjects.ts';

const DEFAULT = JSON.parse(readFileSync(new URL('../../../graphs/default.json', import.meta.url), 'utf8')) as GraphDoc;

describe('what the bundled model knows', () => {
  it('is offered for a prompt that reaches the bundled model, not for another model', () => {
    const s = subjectsForPrompt(DEFAULT, 'positive');
    expect(s?.subjects).toContain('red apple');
    expect(s?.known).toContain('cactus');
    const other = { ...DEFAULT, nodes: DEFAULT.nodes.map((n) => (n.id === 'model' ? { ...n, params: { model: 'test-tiny-sd' } } : n)) };
    expect(subjectsForPrompt(other, 'positive')).toBeUndefined();
  });

  it('completes the part being typed, after the last comma', () => {
    const s = subjectsForPrompt(DEFAULT, 'positive')!;
    expect(completions(s, 'cact')).toEqual(['cactus']);
    expect(completions(s, 'red app')[0]).toBe('red apple');
    expect(completions(s, 'a')).toEqual([]);
    expect(complete('cactus, red ap', 'red apple')).toBe('cactus, red apple');
    expect(complete('red ap', 'red apple')).toBe('red apple');
  });
});
