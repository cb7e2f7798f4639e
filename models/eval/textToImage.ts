// Text to image judged by the emoji classifier, on the app's default graph (its sampler, steps, guidance
// and size), with only the prompt and the seed changed. The bars are issue "Bundled models v2"'s.
import { readFileSync } from 'node:fs';
import type { GraphDoc } from '../../src/graph/types.ts';
import type { ImageValue } from '../../src/image/value.ts';
import { NAMED, bare, plainCaptions, sample, seeded, subjects } from './captions.ts';
import { type Classifier, topK } from './classifier.ts';
import type { Run } from './graphs.ts';
import { rms } from './metrics.ts';

export const SEEDS = [1000, 1001, 1002, 1003];

interface Judged { prompt: string; seed: number; image: ImageValue; top1: boolean; top5: boolean }

export async function evalTextToImage(run: Run, clf: Classifier, root: string, captions = 200) {
  const base = JSON.parse(readFileSync(`${root}graphs/default.json`, 'utf8')) as GraphDoc;
  const named = subjects(clf.labels);
  const judge = async (prompt: string): Promise<Judged[]> => {
    const want = named.get(bare(prompt));
    if (!want) throw new Error(`"${prompt}" names no class of the classifier`);
    const out: Judged[] = [];
    for (const seed of SEEDS) {
      const g = structuredClone(base);
      g.nodes.find((n) => n.id === 'positive')!.params.text = prompt;
      g.nodes.find((n) => n.id === 'noise')!.params.seed = seed;
      const image = (await run(g, ['decode']))('decode');
      const [p] = await clf.probabilities(image);
      const top = topK(p, 5);
      out.push({ prompt, seed, image, top1: want.has(top[0]), top5: top.some((k) => want.has(k)) });
    }
    return out;
  };
  const namedRows = [];
  for (const prompt of NAMED) namedRows.push(await judge(prompt));
  const prompts = sample(plainCaptions(clf.labels), captions, 16);
  const rows: Judged[][] = [];
  for (const [k, prompt] of prompts.entries()) {
    rows.push(await judge(prompt));
    if ((k + 1) % 25 === 0) console.log(`  text to image: ${k + 1}/${prompts.length} captions`);
  }
  const all = rows.flat();
  const share = (f: (j: Judged) => boolean) => all.filter(f).length / all.length;
  // Seed diversity: RMS between seeds of one caption over RMS between captions (random pairs, fixed seed).
  let within = 0, n = 0;
  for (const r of rows) for (let i = 0; i < r.length; i++) for (let j = i + 1; j < r.length; j++) { within += rms(r[i].image.data, r[j].image.data); n++; }
  within /= n;
  const rand = seeded(0);
  let between = 0, m = 0;
  while (m < 2000) {
    const [a, b] = [Math.floor(rand() * rows.length), Math.floor(rand() * rows.length)];
    if (a === b) continue;
    between += rms(rows[a][Math.floor(rand() * SEEDS.length)].image.data, rows[b][Math.floor(rand() * SEEDS.length)].image.data);
    m++;
  }
  between /= m;
  const namedCounts = Object.fromEntries(namedRows.map((r) => [r[0].prompt, r.filter((j) => j.top1).length]));
  return {
    captions: prompts.length, seeds: SEEDS.length, top1: share((j) => j.top1), top5: share((j) => j.top5),
    rms_between_seeds: within, rms_between_prompts: between, seed_diversity: within / between,
    named_top1_of_4: namedCounts, named_ok: Object.values(namedCounts).filter((v) => v >= 3).length,
    namedImages: namedRows.map((r) => r.map((j) => j.image)),
  };
}
