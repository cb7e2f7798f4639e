// npm run eval:models: the bundled models' quality, measured through the app's own executor on held-out data.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Executor } from '../../src/engine/executor.ts';
import type { GraphDoc } from '../../src/graph/types.ts';
import { decodeImage } from '../../src/image/decode.ts';
import { encodePng } from '../../src/image/png.ts';
import { createNodeRuntime } from '../../src/runtime/node.ts';
import { builtinRegistry } from '../../nodes/registry.ts';
import { image, type ImageValue } from '../../src/image/value.ts';
import { psnr, rms, ssim } from './metrics.ts';
import { readNpz } from './npz.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const data = `${root}models/.cache/data`;
const executor = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));
const at = { x: 0, y: 0 };
const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, version: 1, position: at, params });
const edge = (from: string, fp: string, to: string, tp: string) => ({ id: `${from}.${fp}-${to}.${tp}`, from: { node: from, port: fp }, to: { node: to, port: tp } });
const doc = (nodes: GraphDoc['nodes'], edges: GraphDoc['edges']): GraphDoc => ({ format: 'latent-loom/graph', version: 1, nodes, edges });

async function run(graph: GraphDoc, targets: string[]) {
  const result = await executor.run(graph, { targets });
  if (result.status !== 'done') throw new Error(JSON.stringify(result.problems.length ? result.problems : result.nodes));
  return (id: string, port = 'image') => executor.outputs(id)![port] as ImageValue;
}

/** Super-resolution: held-out photos, 4x downscaled by each of the app's Resize filters, upscaled by the model and by bicubic. */
const DEGRADATIONS = ['bicubic', 'area', 'bilinear'] as const;
interface SrRow { file: string; size: string; psnr: number; psnr_bicubic: number; ssim: number; ssim_bicubic: number }
interface SrResult { degradation: string; rows: SrRow[]; psnr: number; psnr_bicubic: number; gain_db: number; ssim: number; ssim_bicubic: number }

async function evalUpscaler(): Promise<SrResult[]> {
  const rows = new Map<string, SrRow[]>(DEGRADATIONS.map((d) => [d, []]));
  for (const file of readdirSync(`${data}/photos/test`).sort()) {
    const full = await decodeImage(readFileSync(`${data}/photos/test/${file}`), file);
    const [w, h] = [full.width - (full.width % 4), full.height - (full.height % 4)];
    const hr = image(w, h, 3);
    for (let y = 0; y < h; y++) hr.data.set(full.data.subarray(y * full.width * 3, (y * full.width + w) * 3), y * w * 3);
    const url = `data:image/png;base64,${Buffer.from(await encodePng(hr)).toString('base64')}`;
    const nodes = [node('hr', 'image.load', { image: url }), node('m', 'model.load_upscaler', { model: 'loom-sr-x4' })];
    const edges = [];
    for (const d of DEGRADATIONS) {
      nodes.push(node(`lr-${d}`, 'image.resize', { mode: 'factor', factor: 0.25, filter: d }), node(`sr-${d}`, 'image.upscale'),
        node(`bicubic-${d}`, 'image.resize', { mode: 'factor', factor: 4, filter: 'bicubic' }));
      edges.push(edge('hr', 'image', `lr-${d}`, 'image'), edge(`lr-${d}`, 'image', `sr-${d}`, 'image'), edge('m', 'upscaler', `sr-${d}`, 'upscaler'),
        edge(`lr-${d}`, 'image', `bicubic-${d}`, 'image'));
    }
    const out = await run(doc(nodes, edges), DEGRADATIONS.flatMap((d) => [`sr-${d}`, `bicubic-${d}`]));
    for (const d of DEGRADATIONS) {
      const [sr, bi] = [out(`sr-${d}`), out(`bicubic-${d}`)];
      rows.get(d)!.push({ file, size: `${w}x${h}`, psnr: psnr(sr.data, hr.data), psnr_bicubic: psnr(bi.data, hr.data), ssim: ssim(sr.data, hr.data, w, h, 3), ssim_bicubic: ssim(bi.data, hr.data, w, h, 3) });
    }
  }
  return DEGRADATIONS.map((degradation) => {
    const list = rows.get(degradation)!;
    const mean = (k: Exclude<keyof SrRow, 'file' | 'size'>) => list.reduce((s, r) => s + r[k], 0) / list.length;
    return { degradation, rows: list, psnr: mean('psnr'), psnr_bicubic: mean('psnr_bicubic'), gain_db: mean('psnr') - mean('psnr_bicubic'), ssim: mean('ssim'), ssim_bicubic: mean('ssim_bicubic') };
  });
}

interface Emoji { images: Uint8Array; captions: string[]; split: Uint8Array; subset: Uint8Array; n: number }
const PIXELS = 64 * 64 * 3;

/** Text to image: generate each caption, rank dataset images by pixel distance, find the captioned one. */
async function evalDiffusion(emoji: Emoji, count = 100) {
  const base = JSON.parse(readFileSync(`${root}graphs/default.json`, 'utf8')) as GraphDoc;
  const train = [...Array(emoji.n).keys()].filter((i) => emoji.subset[i] === 1 && emoji.split[i] === 0);
  const pick = train.slice(0, count);
  const ranks = { subset: [] as number[], all: [] as number[] };
  const samples: { caption: string; index: number; generated: ImageValue }[] = [];
  for (const [k, index] of pick.entries()) {
    const g = structuredClone(base);
    g.nodes.find((n) => n.id === 'positive')!.params.text = emoji.captions[index];
    g.nodes.find((n) => n.id === 'noise')!.params.seed = 1000 + k;
    const generated = (await run(g, ['decode']))('decode');
    const px = Uint8Array.from(generated.data, (v) => Math.round(v * 255));
    const rankAmong = (pool: number[]) => {
      const d = (i: number) => rms(px, 0, emoji.images, i * PIXELS, PIXELS);
      const mine = d(index);
      return pool.filter((i) => i !== index && d(i) < mine).length + 1;
    };
    ranks.subset.push(rankAmong(train));
    ranks.all.push(rankAmong([...Array(emoji.n).keys()]));
    if (samples.length < 8) samples.push({ caption: emoji.captions[index], index, generated });
  }
  const top = (r: number[], k: number) => r.filter((x) => x <= k).length / r.length;
  return { captions: pick.length, pool_subset: train.length, top1_subset: top(ranks.subset, 1), top5_subset: top(ranks.subset, 5), top1_all: top(ranks.all, 1), top5_all: top(ranks.all, 5), samples };
}

/** GAN: distance of samples to their nearest training image, against training images' own nearest-neighbour distance. */
async function evalGan(emoji: Emoji) {
  const out = await run(doc([node('gan', 'model.load_gan', { model: 'loom-emoji-gan' }), node('gen', 'gan.generate', { seed: 7, batch: 64 })],
    [edge('gan', 'gan', 'gen', 'gan')]), ['gen']);
  const images = out('gen', 'images');
  const train = [...Array(emoji.n).keys()].filter((i) => emoji.split[i] === 0);
  const trainF = Float32Array.from(emoji.images, (v) => v / 255);
  const nearest = (src: Float32Array, offset: number, skip = -1) =>
    Math.min(...train.filter((i) => i !== skip).map((i) => rms(src, offset, trainF, i * PIXELS, PIXELS)));
  const sampleNN = [...Array(images.batch).keys()].map((b) => nearest(images.data, b * PIXELS));
  const probe = train.filter((_, k) => k % 17 === 0);
  const trainNN = probe.map((i) => nearest(trainF, i * PIXELS, i));
  const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
  let pairs = 0;
  for (let k = 0; k + 1 < probe.length; k++) pairs += rms(trainF, probe[k] * PIXELS, trainF, probe[k + 1] * PIXELS, PIXELS);
  return { samples: images.batch, sample_to_nearest_train: mean(sampleNN), train_to_nearest_train: mean(trainNN), train_pair_distance: pairs / (probe.length - 1), images };
}

/** One PNG: dataset images and generated ones for the same captions, then GAN samples. */
async function grid(diffusion: Awaited<ReturnType<typeof evalDiffusion>>, gan: Awaited<ReturnType<typeof evalGan>>, emoji: Emoji) {
  const cols = 8;
  const sheet = image(cols * 64, 4 * 64, 3);
  const put = (src: ArrayLike<number>, offset: number, row: number, col: number, scale = 1) => {
    for (let y = 0; y < 64; y++) for (let x = 0; x < 64; x++) for (let c = 0; c < 3; c++) {
      sheet.data[((row * 64 + y) * cols * 64 + col * 64 + x) * 3 + c] = src[offset + (y * 64 + x) * 3 + c] * scale;
    }
  };
  diffusion.samples.forEach((s, col) => { put(emoji.images, s.index * PIXELS, 0, col, 1 / 255); put(s.generated.data, 0, 1, col); });
  for (let k = 0; k < 16; k++) put(gan.images.data, k * PIXELS, 2 + Math.floor(k / cols), k % cols);
  const file = `${root}models/eval/samples.png`;
  writeFileSync(file, await encodePng(sheet));
  return file;
}

// prepare_data.py writes this version; an older data folder (other held-out photos) is prepared again.
const DATA_VERSION = '2';
if (!existsSync(`${data}/emoji.npz`) || !existsSync(`${data}/version`) || readFileSync(`${data}/version`, 'utf8').trim() !== DATA_VERSION) {
  console.log('preparing the evaluation data (npm registry + Debian archive)…');
  execFileSync('bash', [`${root}models/train/fetch_data.sh`], { stdio: 'inherit' });
  execFileSync(process.env.PYTHON ?? '/usr/bin/python3', [`${root}models/train/prepare_data.py`], { stdio: 'inherit' });
}
const npz = readNpz(`${data}/emoji.npz`);
const emoji: Emoji = { images: npz.images.data as Uint8Array, captions: npz.captions.data as string[], split: npz.split.data as Uint8Array, subset: npz.subset.data as Uint8Array, n: npz.images.shape[0] };
const only = process.argv.slice(2);
const wanted = (name: string) => only.length === 0 || only.includes(name);
const pct = (x: number) => `${(x * 100).toFixed(0)}%`;
const t0 = performance.now();
if (wanted('sr')) {
  for (const sr of await evalUpscaler()) {
    const d = sr.degradation;
    for (const r of sr.rows) console.log(`sr ${d} ${r.file} ${r.size}: PSNR ${r.psnr.toFixed(2)} dB (bicubic ${r.psnr_bicubic.toFixed(2)}), SSIM ${r.ssim.toFixed(4)} (bicubic ${r.ssim_bicubic.toFixed(4)})`);
    console.log(`sr ${d} mean over ${sr.rows.length} held-out photos: PSNR ${sr.psnr.toFixed(2)} dB vs bicubic ${sr.psnr_bicubic.toFixed(2)} dB (${sr.gain_db >= 0 ? '+' : ''}${sr.gain_db.toFixed(2)} dB; bar +1.0), SSIM ${sr.ssim.toFixed(4)} vs ${sr.ssim_bicubic.toFixed(4)}`);
  }
}
const diffusion = wanted('diffusion') ? await evalDiffusion(emoji) : null;
if (diffusion) {
  console.log(`text-to-image, ${diffusion.captions} training captions: top-1 ${pct(diffusion.top1_subset)}, top-5 ${pct(diffusion.top5_subset)} among the ${diffusion.pool_subset} training images (bar: top-5 >= 40%); among all ${emoji.n} emoji: top-1 ${pct(diffusion.top1_all)}, top-5 ${pct(diffusion.top5_all)}`);
}
const gan = wanted('gan') ? await evalGan(emoji) : null;
if (gan) {
  console.log(`gan, ${gan.samples} samples: mean distance to nearest training image ${gan.sample_to_nearest_train.toFixed(4)}; training images to their nearest other ${gan.train_to_nearest_train.toFixed(4)}; between random training images ${gan.train_pair_distance.toFixed(4)} (RMS, pixels in [0,1])`);
}
if (diffusion && gan) console.log(`grid: ${await grid(diffusion, gan, emoji)}`);
console.log(`took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
