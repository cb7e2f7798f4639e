import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import type { GraphDoc } from '../../graph/index.ts';
import { complete, completions, subjectsForPrompt } from './subjects.ts';

const DEFAULT = JSON.parse(readFileSync(new URL('../../../graphs/default.json', import.meta.url), 'utf8')) as GraphDoc;
// Written by models/train/export.py (write_subjects) from the training data's emoji names.
const FILE = JSON.parse(readFileSync(new URL('../../../models/bundle/loom-emoji-sd/subjects.json', import.meta.url), 'utf8')) as { known: string[]; subjects: string[] };

describe('what the bundled model knows', () => {
  it('is offered for a prompt that reaches the bundled model, not for another model', () => {
    const s = subjectsForPrompt(DEFAULT, 'positive');
    expect(s?.subjects).toEqual(FILE.subjects);
    expect(s?.known).toEqual(FILE.known);
    expect(s?.subjects).toContain('red apple');
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
