// The app's start graph on the bundled models (models/bundle) draws what its prompt names.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Executor } from '../../src/engine/executor.ts';
import type { GraphDoc } from '../../src/graph/types.ts';
import { createNodeRuntime } from '../../src/runtime/node.ts';
import { builtinRegistry } from '../registry.ts';
import type { ImageValue } from '../../src/image/value.ts';
import { bare, subjects } from '../../models/eval/captions.ts';
import { loadClassifier, topK } from '../../models/eval/classifier.ts';
import { rms } from '../../models/eval/metrics.ts';

const DEFAULT = JSON.parse(readFileSync(new URL('../../graphs/default.json', import.meta.url), 'utf8')) as GraphDoc;
const SIZE = DEFAULT.nodes.find((n) => n.id === 'noise')!.params.width as number;
const executor = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));

/** Mean colour of the pixels that are not near-white (the emoji sit on white), and their share of the image. */
function foreground(img: ImageValue) {
  const sum = [0, 0, 0];
  let n = 0;
  for (let i = 0; i < img.data.length; i += 3) {
    const px = [img.data[i], img.data[i + 1], img.data[i + 2]];
    if (Math.min(...px) > 0.8) continue;
    n++;
    for (let c = 0; c < 3; c++) sum[c] += px[c];
  }
  return { rgb: sum.map((s) => s / n), share: n / (img.width * img.height) };
}

async function render(text: string, seed?: number) {
  const doc = structuredClone(DEFAULT);
  doc.nodes.find((n) => n.id === 'positive')!.params.text = text;
  if (seed !== undefined) doc.nodes.find((n) => n.id === 'noise')!.params.seed = seed;
  const result = await executor.run(doc);
  expect(result.status).toBe('done');
  return { small: executor.outputs('decode')!.image as ImageValue, final: result.results.output.image as ImageValue };
}

describe('default graph on the bundled models', () => {
  it('renders "a red apple" as a red object on white, upscaled 4x', async () => {
    const { small, final } = await render('a red apple');
    expect([small.width, small.height, final.width, final.height]).toEqual([SIZE, SIZE, 4 * SIZE, 4 * SIZE]);
    const { rgb: [r, g, b], share } = foreground(small);
    expect(share).toBeGreaterThan(0.2);
    expect(share).toBeLessThan(0.9);
    expect(r - Math.max(g, b)).toBeGreaterThan(0.3);
    const big = foreground(final).rgb;
    expect(big[0] - Math.max(big[1], big[2])).toBeGreaterThan(0.3);
  });

  // The colour each prompt names: a channel that must lead, or (yellow) the one that must trail.
  it.each([
    ['green apple', (r: number, g: number, b: number) => g - Math.max(r, b)],
    ['blueberries', (r: number, g: number, b: number) => b - Math.max(r, g)],
    ['lemon', (r: number, g: number, b: number) => Math.min(r, g) - b],
  ])('the colour follows the prompt: %s', async (text, lead) => {
    const { rgb: [r, g, b] } = foreground((await render(text)).small);
    expect(lead(r, g, b)).toBeGreaterThan(0.15);
  });

  // What a new user does: type "a cat", Run, press the seed dice. The judge is the evaluator of
  // `npm run eval:models` (models/eval/classifier), with the bars of its named prompts and seed diversity.
  it('"a cat" draws a cat for most seeds, and another seed draws a different cat', async () => {
    const clf = await loadClassifier(new URL('../../', import.meta.url).pathname);
    const cats = subjects(clf.labels).get(bare('a cat'))!;
    const seeds = [DEFAULT.nodes.find((n) => n.id === 'noise')!.params.seed as number, 1, 2, 3];
    const cat: ImageValue[] = [];
    const car: ImageValue[] = [];
    for (const seed of seeds) {
      cat.push((await render('a cat', seed)).small);
      car.push((await render('a car', seed)).small);
    }
    const named = await Promise.all(cat.map(async (img) => cats.has(topK((await clf.probabilities(img))[0], 1)[0])));
    expect(named.filter(Boolean).length).toBeGreaterThanOrEqual(3);
    const pairs = seeds.flatMap((_, i) => seeds.map((__, j) => [i, j]).filter(([a, b]) => a < b));
    const betweenSeeds = mean(pairs.map(([i, j]) => rms(cat[i].data, cat[j].data)));
    const betweenPrompts = mean(seeds.map((_, i) => rms(cat[i].data, car[i].data)));
    expect(betweenSeeds).toBeGreaterThanOrEqual(0.5 * betweenPrompts);
  }, 120_000);
});

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
