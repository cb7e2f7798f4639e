// The GAN judged by the emoji classifier (confident share) and by its energy at the highest spatial
// frequency against real training images (a checkerboard shows there). Samples through the app's executor,
// at the GAN Generator's truncation (1 by default, or the manifest's suggested psi), at the model's size.
// A class-conditional GAN draws a class per seed (its subject left empty) and is judged on drawing it too.
import { readNpz } from './npz.ts';
import { image, type ImageValue } from '../../src/image/value.ts';
import { NAMED, bare, sample, subjects } from './captions.ts';
import type { Classifier } from './classifier.ts';
import { type Run, doc, edge, node } from './graphs.ts';
import { nyquistEnergy } from './spectrum.ts';

export async function evalGan(run: Run, clf: Classifier, npzPath: string, samples = 256, truncation = 1) {
  let confident = 0, probSum = 0, asked = 0, conditional = false;
  const labels = new Set<number>();
  const batches: ImageValue[] = [];
  for (let at = 0; at < samples; at += 64) {
    const out = await generate(run, { seed: at, batch: Math.min(64, samples - at), truncation });
    const images = out('gen', 'images');
    const said = out('gen', 'subjects') as unknown as string; // '' unless class-conditional
    conditional ||= said !== '';
    const subjects = said.split('\n');
    batches.push(images);
    for (const [i, p] of (await clf.probabilities(images)).entries()) {
      const top = p.indexOf(Math.max(...p));
      probSum += p[top];
      if (p[top] > 0.5) { confident++; labels.add(top); }
      if (clf.labels[top].label === subjects[i]) asked++;
    }
  }
  const generated = batches.reduce((s, b) => s + nyquistEnergy(b) * b.batch, 0) / samples;
  const real = nyquistEnergy(realImages(npzPath, samples, batches[0].width));
  return { samples, truncation, confident_share: confident / samples, mean_top1_prob: probSum / samples, distinct_confident_classes: labels.size,
    ...(conditional ? { asked_top1_share: asked / samples } : {}),
    nyquist_energy: generated, real_nyquist_energy: real, nyquist_ratio: generated / real, sheet: batches[0] };
}

/**
 * A class-conditional GAN asked for the eight named subjects of the text-to-image bar ("a cat", ...),
 * 4 seeds each (1000-1003): how many of the 4 the classifier's top-1 puts among the emoji so named, and
 * the images, a row per subject.
 */
export async function evalGanNamed(run: Run, clf: Classifier, truncation: number) {
  const named = subjects(clf.labels);
  const counts: Record<string, number> = {};
  const rows: ImageValue[] = [];
  for (const prompt of NAMED) {
    const out = await generate(run, { seed: 1000, batch: 4, truncation, subject: prompt });
    const images = out('gen', 'images');
    rows.push(images);
    const want = named.get(bare(prompt))!;
    counts[prompt] = (await clf.probabilities(images)).filter((p) => want.has(p.indexOf(Math.max(...p)))).length;
  }
  return { truncation, named_top1_of_4: counts, named_ok: Object.values(counts).filter((c) => c >= 3).length, rows };
}

/** The bundled GAN's GAN Generator run with these params; its outputs by node and port. */
function generate(run: Run, params: Record<string, unknown>) {
  return run(doc([node('gan', 'model.load_gan', { model: 'loom-emoji-gan' }), node('gen', 'gan.generate', params)], [edge('gan', 'gan', 'gen', 'gan')]), ['gen']);
}

/** n training images (fixed pick), averaged down to the GAN's size, in [0,1]. */
function realImages(npzPath: string, n: number, size: number): ImageValue {
  const npz = readNpz(npzPath);
  const [count, h, w] = npz.images.shape;
  const px = npz.images.data as Uint8Array;
  const split = npz.split.data as Uint8Array;
  const train = [...Array(count).keys()].filter((i) => split[i] === 0);
  const pick = sample(train, n, 0);
  const f = w / size;
  const out = image(size, size, 3, undefined, n);
  pick.forEach((i, b) => {
    for (let y = 0; y < size; y++) for (let x = 0; x < size; x++) for (let c = 0; c < 3; c++) {
      let s = 0;
      for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) s += px[((i * h + y * f + dy) * w + x * f + dx) * 3 + c];
      out.data[((b * size + y) * size + x) * 3 + c] = Math.round(s / (f * f)) / 255; // rounded to uint8, as training saw them
    }
  });
  return out;
}
