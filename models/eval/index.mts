// npm run eval:models [sr] [diffusion] [gan] [-- --captions N]: the bundled models' quality, measured
// through the app's own executor with fixed seeds, judged by the emoji classifier (models/train).
// Figures go to models/eval/results.json, pictures to docs/images/.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { encodePng } from '../../src/image/png.ts';
import { image, type ImageValue } from '../../src/image/value.ts';
import { NAMED } from './captions.ts';
import { loadClassifier } from './classifier.ts';
import { heldOutPhotos, trainCache } from './paths.ts';
import { evalGan, evalGanNamed } from './gan.ts';
import { runner } from './graphs.ts';
import { evalUpscaler } from './sr.ts';
import { evalTextToImage } from './textToImage.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const args = process.argv.slice(2);
const flag = (name: string, fallback: number) => { const i = args.indexOf(`--${name}`); return i >= 0 ? Number(args[i + 1]) : fallback; };
const only = args.filter((a, i) => !a.startsWith('--') && !args[i - 1]?.startsWith('--'));
const wanted = (name: string) => only.length === 0 || only.includes(name);
const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const run = runner();
const results: Record<string, unknown> = {};
const t0 = performance.now();
mkdirSync(`${root}docs/images`, { recursive: true });

/** Images of equal size in a grid, rows x cols, 2 px white gutters. */
function sheet(rows: ImageValue[][]): ImageValue {
  const { width: w, height: h } = rows[0][0];
  const cols = Math.max(...rows.map((r) => r.length));
  const out = image(cols * (w + 2) + 2, rows.length * (h + 2) + 2, 3);
  out.data.fill(1);
  rows.forEach((r, y) => r.forEach((img, x) => {
    for (let j = 0; j < h; j++) out.data.set(img.data.subarray(j * w * 3, (j + 1) * w * 3), ((y * (h + 2) + 2 + j) * out.width + x * (w + 2) + 2) * 3);
  }));
  return out;
}
const batchItems = (b: ImageValue): ImageValue[] => Array.from({ length: b.batch }, (_, i) => {
  const n = b.width * b.height * 3;
  return image(b.width, b.height, 3, b.data.slice(i * n, (i + 1) * n));
});

if (wanted('sr')) {
  if (!existsSync(heldOutPhotos)) {
    console.log('preparing the held-out photographs (npm registry + Debian archive)…');
    execFileSync('bash', [`${root}models/train/fetch_data.sh`], { stdio: 'inherit' });
    execFileSync(process.env.PYTHON ?? '/usr/bin/python3', [`${root}models/train/prepare_data.py`], { stdio: 'inherit' });
  }
  const sr = await evalUpscaler(run, heldOutPhotos);
  for (const s of sr) {
    for (const r of s.rows) console.log(`sr ${s.degradation} ${r.file} ${r.size}: PSNR ${r.psnr.toFixed(2)} dB (bicubic ${r.psnr_bicubic.toFixed(2)}), SSIM ${r.ssim.toFixed(4)} (bicubic ${r.ssim_bicubic.toFixed(4)})`);
    console.log(`sr ${s.degradation} mean over ${s.rows.length} held-out photos: PSNR ${s.psnr.toFixed(2)} dB vs bicubic ${s.psnr_bicubic.toFixed(2)} dB (${s.gain_db >= 0 ? '+' : ''}${s.gain_db.toFixed(2)} dB; bar +1.0), SSIM ${s.ssim.toFixed(4)} vs ${s.ssim_bicubic.toFixed(4)}`);
  }
  results.sr = sr.map(({ rows: _, ...mean }) => mean);
}

const needClassifier = wanted('diffusion') || wanted('gan');
const clf = needClassifier ? await loadClassifier(root) : null;
if (clf && wanted('diffusion')) {
  const t = await evalTextToImage(run, clf, root, flag('captions', 200));
  const { namedImages, ...figures } = t;
  console.log(`text to image, ${t.captions} plain-word captions x ${t.seeds} seeds: classifier top-5 has the subject for ${pct(t.top5)} (bar 70%), top-1 ${pct(t.top1)}`);
  console.log(`seed diversity: RMS between seeds ${t.rms_between_seeds.toFixed(3)} / between prompts ${t.rms_between_prompts.toFixed(3)} = ${t.seed_diversity.toFixed(2)} (bar 0.5)`);
  console.log(`named prompts, seeds recognised (top-1, of 4; bar 3): ${NAMED.map((p) => `${p} ${t.named_top1_of_4[p]}`).join(', ')}; ${t.named_ok}/8 pass`);
  writeFileSync(`${root}docs/images/named-prompts.png`, await encodePng(sheet(namedImages)));
  results.text_to_image = figures;
}
if (clf && wanted('gan')) {
  // At the node's default truncation (1), and at the psi the manifest suggests, if any (its sheet is the one shown).
  const psi = (JSON.parse(readFileSync(`${root}models/bundle/loom-emoji-gan/manifest.json`, 'utf8')) as { gan?: { psi?: number } }).gan?.psi;
  const g = await evalGan(run, clf, `${trainCache}/data/emoji128.npz`, flag('samples', 256));
  const t = psi !== undefined && psi !== 1 ? await evalGan(run, clf, `${trainCache}/data/emoji128.npz`, flag('samples', 256), psi) : undefined;
  for (const r of [g, t]) if (r) console.log(`gan at psi ${r.truncation}, ${r.samples} samples: ${pct(r.confident_share)} classified with confidence > 0.5 (bar 60%), ${r.distinct_confident_classes} distinct classes${r.asked_top1_share !== undefined ? `, ${pct(r.asked_top1_share)} top-1 the class asked for` : ''}; highest-frequency energy ${r.nyquist_ratio.toFixed(2)}x real images' (bar 1.5)`);
  const { sheet: first, ...figures } = t ?? g;
  const items = batchItems(first).slice(0, 32);
  writeFileSync(`${root}docs/images/gan-samples.png`, await encodePng(sheet([0, 1, 2, 3].map((r) => items.slice(r * 8, r * 8 + 8)))));
  const { sheet: _, ...atOne } = g;
  results.gan = t ? { ...atOne, at_suggested_psi: figures } : atOne;
  if (g.asked_top1_share !== undefined) {
    // A class-conditional GAN: the eight named subjects, as the text-to-image model is asked for them.
    const { rows, ...named } = await evalGanNamed(run, clf, psi ?? 1);
    console.log(`gan, named subjects at psi ${named.truncation}, seeds recognised (top-1, of 4): ${NAMED.map((p) => `${p} ${named.named_top1_of_4[p]}`).join(', ')}; ${named.named_ok}/8 with 3 or more`);
    writeFileSync(`${root}docs/images/gan-named.png`, await encodePng(sheet(rows.map(batchItems))));
    (results.gan as Record<string, unknown>).named = named;
  }
}
const file = `${root}models/eval/results.json`;
const previous = existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown> : {};
writeFileSync(file, `${JSON.stringify({ ...previous, ...results }, null, 1)}\n`);
console.log(`took ${((performance.now() - t0) / 1000).toFixed(0)} s; figures in ${file}`);
