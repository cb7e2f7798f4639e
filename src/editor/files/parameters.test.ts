import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { GraphDoc } from '../../graph/index.ts';
import { a1111Parameters } from './parameters.ts';

const DEFAULT = JSON.parse(readFileSync(new URL('../../../graphs/default.json', import.meta.url), 'utf8')) as GraphDoc;

describe("AUTOMATIC1111's parameters text", () => {
  it('says the prompt, the negative prompt and the settings, as A1111 writes them', () => {
    const doc = structuredClone(DEFAULT);
    doc.nodes.find((n) => n.id === 'negative')!.params.text = 'blurry';
    const text = a1111Parameters(doc, { width: 256, height: 256 }, 'output')!;
    const scheduler = doc.nodes.find((n) => n.type === 'diffusion.scheduler')!.params;
    const [prompt, negative, settings] = text.split('\n');
    expect(prompt).toBe('a cat');
    expect(negative).toBe('Negative prompt: blurry');
    expect(settings).toMatch(new RegExp(`^Steps: ${scheduler.steps}, Sampler: [A-Za-z+ ]+, CFG scale: [0-9.]+, Seed: \\d+, Size: 256x256, Model: loom-emoji-sd$`));
  });

  it('leaves out the negative line when there is none, and writes nothing for a graph without Denoise', () => {
    expect(a1111Parameters(DEFAULT, { width: 64, height: 64 }, 'output')!.split('\n')).toHaveLength(2);
    expect(a1111Parameters({ ...DEFAULT, nodes: [], edges: [] }, { width: 1, height: 1 })).toBeUndefined();
  });
});
