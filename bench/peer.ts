// UpscalerJS (npm `upscaler` with @upscalerjs/esrgan-slim, -medium, -thick; TF.js) against our Upscale node
// on the same weights (converted to ONNX by models/tools/convert_upscalerjs.py): the same image through
// both on one CPU backend class, time and pixel difference. `peer` runs it in Node (TF.js WASM backend
// against onnxruntime-node, one thread each: TF.js's WASM backend has no threads in Node) and in
// Chromium (TF.js WASM against onnxruntime-web WASM, two threads each, bench/peer-page/);
// `peer-quality` gives the PSNR of the ESRGAN models and loom-sr-x4 on the held-out photographs.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import Upscaler from 'upscaler';
import { Executor } from '../src/engine/executor.ts';
import type { GraphDoc } from '../src/graph/types.ts';
import { decodeImage } from '../src/image/decode.ts';
import { encodePng } from '../src/image/png.ts';
import { image, type ImageValue } from '../src/image/value.ts';
import { createNodeRuntime } from '../src/runtime/node.ts';
import { builtinRegistry } from '../nodes/registry.ts';
import upscaleNode from '../nodes/image/upscale.ts';
import loadUpscaler from '../nodes/model/loadUpscaler.ts';
import { psnr } from '../models/eval/metrics.ts';
import { heldOutPhotos } from '../models/eval/paths.ts';
import { alternate, fmt, showMs, type Spread } from './stats.ts';
import { benchPeerBrowser } from './peer-page/run.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
export const PEER_ROOT = `${root}models/.cache/peer`;
export const PEER_SIZES = ['slim', 'medium', 'thick'] as const;
export type PeerSize = (typeof PEER_SIZES)[number];
const TEST_PHOTOS = heldOutPhotos;

/** Input side per model (thick has 31x the slim model's parameters) and timed runs per contender. */
export const PEER_INPUT: Record<PeerSize, number> = { slim: 128, medium: 128, thick: 64 };
const TIMES = Number(process.env.PEER_TIMES ?? 5);

function needModels(): void {
  if (!PEER_SIZES.every((s) => existsSync(`${PEER_ROOT}/esrgan-${s}-x4/manifest.json`))) {
    throw new Error('the converted UpscalerJS models are missing: run /usr/bin/python3 models/tools/convert_upscalerjs.py');
  }
}

/** A centre crop of the first held-out photograph (a square of `side` pixels), or a fixed pattern without the data. */
export async function benchImage(side: number): Promise<{ image: ImageValue; what: string }> {
  const out = image(side, side, 3);
  if (existsSync(TEST_PHOTOS)) {
    const file = readdirSync(TEST_PHOTOS).sort()[0];
    const photo = await decodeImage(readFileSync(`${TEST_PHOTOS}/${file}`), file);
    const [x0, y0] = [Math.floor((photo.width - side) / 2), Math.floor((photo.height - side) / 2)];
    for (let y = 0; y < side; y++) out.data.set(photo.data.subarray(((y0 + y) * photo.width + x0) * 3, ((y0 + y) * photo.width + x0 + side) * 3), y * side * 3);
    return { image: out, what: `${side}x${side} crop of ${file}` };
  }
  for (let i = 0; i < out.data.length; i++) out.data[i] = Math.round(255 * (0.5 + 0.4 * Math.sin(0.05 * i) * Math.cos(0.0031 * i))) / 255;
  return { image: out, what: `${side}x${side} pattern` };
}

/** Max and mean absolute difference, in 255ths, between two RGB images in [0, 1]. */
export function pixelDiff(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; mean: number } {
  let [max, sum] = [0, 0];
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i] - b[i]);
    max = Math.max(max, d);
    sum += d;
  }
  return { max: max * 255, mean: (sum / a.length) * 255 };
}

/** The UpscalerJS model definition for a size, its weights read from node_modules (TF.js in Node has no file:// loader). */
export function upscalerModel(size: PeerSize) {
  const def = require(`@upscalerjs/esrgan-${size}/4x`); // its ESM build has extensionless imports
  const dir = `${require.resolve(`@upscalerjs/esrgan-${size}/4x`).split('/dist/')[0]}/models/x4`;
  const handler = {
    async load() {
      const json = JSON.parse(readFileSync(`${dir}/model.json`, 'utf8'));
      const data = Buffer.concat(json.weightsManifest.flatMap((g: { paths: string[] }) => g.paths.map((p) => readFileSync(`${dir}/${p}`))));
      return { modelTopology: json.modelTopology, weightSpecs: json.weightsManifest.flatMap((g: { weights: unknown[] }) => g.weights), weightData: data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength) };
    },
  };
  return { ...(def.default ?? def), path: handler };
}

interface Row { size: PeerSize; what: string; peer: Spread; ours: Spread; diff: { max: number; mean: number }; tiles: number }

export async function benchPeer(): Promise<Record<string, number | string>> {
  needModels();
  await tf.setBackend('wasm');
  const runtime = createNodeRuntime({ threads: 1, modelRoots: [PEER_ROOT] });
  const results: Record<string, number | string> = {};
  const rows: Row[] = [];
  for (const size of PEER_SIZES.filter((s) => !process.env.PEER_MODELS || process.env.PEER_MODELS.split(',').includes(s))) {
    const { image: img, what } = await benchImage(PEER_INPUT[size]);
    const upscaler = new Upscaler({ model: upscalerModel(size) as never });
    await upscaler.getModel();
    // UpscalerJS takes pixels in [0, 255] (what tf.browser.fromPixels gives) and returns them in [0, 255].
    const pixels = tf.tensor3d(Float32Array.from(img.data, (v) => v * 255), [img.height, img.width, 3]);
    let theirs: Float32Array | undefined;
    const peer = async () => {
      const out = (await upscaler.upscale(pixels, { output: 'tensor' })) as tf.Tensor3D;
      theirs = (await out.data()) as Float32Array;
      out.dispose();
    };
    const ctx = { nodeId: 'bench', runtime, signal: new AbortController().signal, progress: () => {}, memo: { get: () => undefined, set: () => {} } };
    const { upscaler: handle } = await loadUpscaler.run({ inputs: {}, params: { model: `esrgan-${size}-x4` }, ctx } as never) as { upscaler: unknown };
    let ours: ImageValue | undefined;
    let tiles = 0;
    const node = async () => {
      const c = { ...ctx, progress: (_: number, total: number) => { tiles = total; } };
      ours = ((await upscaleNode.run({ inputs: { image: img, upscaler: handle }, params: { tile: 0, overlap: 32, alpha: 'bicubic' }, ctx: c } as never)) as { image: ImageValue }).image;
    };
    await peer(); // warm-up: first-run costs paid on both sides
    await node();
    const [p, o] = await alternate(size === 'thick' ? Math.min(TIMES, 3) : TIMES, [peer, node]);
    const diff = pixelDiff(Float32Array.from(theirs!, (v) => v / 255), ours!.data);

    rows.push({ size, what, peer: p, ours: o, diff, tiles });
    upscaler.dispose();
    pixels.dispose();
  }
  console.log(`peer bench (Node): UpscalerJS 1.0.0 on TF.js ${tf.version.tfjs} ${tf.getBackend()} (1 thread, SIMD) vs Upscale node on onnxruntime-node (1 thread); ms median (min..max)`);
  for (const r of rows) {
    results[`peer.node.${r.size}.input`] = r.what;
    results[`peer.node.${r.size}.upscalerjs_ms`] = showMs(r.peer);
    results[`peer.node.${r.size}.upscale_node_ms`] = `${showMs(r.ours)}, ${r.tiles} tile(s)`;
    results[`peer.node.${r.size}.speedup`] = `${fmt(r.peer.median / r.ours.median, 2)}x (${fmt(r.peer.min / r.ours.max, 2)}..${fmt(r.peer.max / r.ours.min, 2)})`;
    results[`peer.node.${r.size}.max_diff_in_255ths`] = fmt(r.diff.max, 5);
    results[`peer.node.${r.size}.mean_diff_in_255ths`] = fmt(r.diff.mean, 6);
  }
  if (process.env.PEER_BROWSER !== '0') Object.assign(results, await benchPeerBrowser());
  return results;
}

/** PSNR of the ESRGAN models and loom-sr-x4 on the held-out photographs, measured as `npm run eval:models` does (bicubic 4x downscale by the Resize node). */
export async function benchPeerQuality(): Promise<Record<string, number | string>> {
  needModels();
  if (!existsSync(TEST_PHOTOS)) throw new Error('no held-out photographs: run `bash models/train/fetch_data.sh` and `/usr/bin/python3 models/train/prepare_data.py`');
  const executor = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2, modelRoots: [PEER_ROOT] }));
  const models = ['loom-sr-x4', ...PEER_SIZES.map((s) => `esrgan-${s}-x4`)].filter((m) => !process.env.PEER_MODELS || process.env.PEER_MODELS.split(',').some((s) => m.includes(s)));
  const at = { x: 0, y: 0 };
  const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, version: 1, position: at, params });
  const edge = (from: string, fp: string, to: string, tp: string) => ({ id: `${from}.${fp}-${to}.${tp}`, from: { node: from, port: fp }, to: { node: to, port: tp } });
  const sums = new Map<string, number>(models.map((m) => [m, 0]));
  let bicubic = 0;
  const files = readdirSync(TEST_PHOTOS).sort();
  for (const file of files) {
    const full = await decodeImage(readFileSync(`${TEST_PHOTOS}/${file}`), file);
    const [w, h] = [full.width - (full.width % 4), full.height - (full.height % 4)];
    const hr = image(w, h, 3);
    for (let y = 0; y < h; y++) hr.data.set(full.data.subarray(y * full.width * 3, (y * full.width + w) * 3), y * w * 3);
    const url = `data:image/png;base64,${Buffer.from(await encodePng(hr)).toString('base64')}`;
    const nodes = [node('hr', 'image.load', { image: url }), node('lr', 'image.resize', { mode: 'factor', factor: 0.25, filter: 'bicubic' }),
      node('bicubic', 'image.resize', { mode: 'factor', factor: 4, filter: 'bicubic' })];
    const edges = [edge('hr', 'image', 'lr', 'image'), edge('lr', 'image', 'bicubic', 'image')];
    for (const [i, m] of models.entries()) {
      nodes.push(node(`m${i}`, 'model.load_upscaler', { model: m }), node(`sr${i}`, 'image.upscale'));
      edges.push(edge(`m${i}`, 'upscaler', `sr${i}`, 'upscaler'), edge('lr', 'image', `sr${i}`, 'image'));
    }
    const doc: GraphDoc = { format: 'latent-loom/graph', version: 1, nodes, edges };
    const result = await executor.run(doc, { targets: ['bicubic', ...models.map((_, i) => `sr${i}`)] });
    if (result.status !== 'done') throw new Error(JSON.stringify(result.problems.length ? result.problems : result.nodes));
    const out = (id: string) => executor.outputs(id)!.image as ImageValue;
    const line = [`bicubic ${fmt(psnr(out('bicubic').data, hr.data), 2)}`];
    bicubic += psnr(out('bicubic').data, hr.data);
    for (const [i, m] of models.entries()) {
      const db = psnr(out(`sr${i}`).data, hr.data);
      sums.set(m, sums.get(m)! + db);
      line.push(`${m} ${fmt(db, 2)}`);
    }
    console.log(`  ${file} ${w}x${h}: ${line.join(', ')} dB`);
    executor.cache.clear();
  }
  const results: Record<string, number | string> = { 'peer.quality.photos': files.length, 'peer.quality.bicubic_psnr_db': fmt(bicubic / files.length, 2) };
  for (const m of models) results[`peer.quality.${m}_psnr_db`] = fmt(sums.get(m)! / files.length, 2);
  return results;
}
