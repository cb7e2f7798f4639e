// The evaluator: the emoji classifier trained by models/train/train_classifier.py, run with onnxruntime-node.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import type { ImageValue } from '../../src/image/value.ts';
import { trainCache } from './paths.ts';

export interface Label { index: number; label: string; char: string; plain: string[] }
export interface Classifier { labels: Label[]; probabilities(images: ImageValue): Promise<Float32Array[]> }

/** models/eval/classifier/ when it is there, else the one `npm run models:train` exported. */
export function classifierFolder(root: string): string {
  for (const dir of [join(root, 'models/eval/classifier'), join(trainCache, 'export/loom-emoji-classifier')]) {
    if (existsSync(join(dir, 'model.onnx'))) return dir;
  }
  throw new Error(`no emoji classifier: run \`npm run models:train\` (its classifier stages) to make ${join(trainCache, 'export/loom-emoji-classifier')}`);
}

const SIZE = 64;

/** HWC float images in [0,1], any multiple of 64 px square -> NCHW 64x64 by averaging blocks, as training did. */
export function toInput(images: ImageValue): Float32Array {
  const { width, height, batch, channels } = images;
  if (width !== height || width % SIZE !== 0 || channels < 3) throw new Error(`classifier input: ${width}x${height}x${channels} is not a multiple of ${SIZE} px square RGB`);
  const f = width / SIZE;
  const out = new Float32Array(batch * 3 * SIZE * SIZE);
  for (let b = 0; b < batch; b++) for (let c = 0; c < 3; c++) for (let y = 0; y < SIZE; y++) for (let x = 0; x < SIZE; x++) {
    let s = 0;
    for (let dy = 0; dy < f; dy++) for (let dx = 0; dx < f; dx++) s += images.data[((b * height + y * f + dy) * width + x * f + dx) * channels + c];
    out[((b * 3 + c) * SIZE + y) * SIZE + x] = s / (f * f);
  }
  return out;
}

export async function loadClassifier(root: string): Promise<Classifier> {
  const dir = classifierFolder(root);
  const labels = JSON.parse(readFileSync(join(dir, 'labels.json'), 'utf8')) as Label[];
  const session = await ort.InferenceSession.create(join(dir, 'model.onnx'), { intraOpNumThreads: 2 });
  return {
    labels,
    async probabilities(images) {
      const input = new ort.Tensor('float32', toInput(images), [images.batch, 3, SIZE, SIZE]);
      const { logits } = await session.run({ image: input });
      const n = labels.length;
      const data = logits.data as Float32Array;
      return Array.from({ length: images.batch }, (_, b) => softmax(data.subarray(b * n, (b + 1) * n)));
    },
  };
}

export function softmax(logits: Float32Array): Float32Array {
  const max = Math.max(...logits);
  const e = Float32Array.from(logits, (v) => Math.exp(v - max));
  const sum = e.reduce((a, b) => a + b, 0);
  return e.map((v) => v / sum);
}

/** Class indices of the k largest probabilities, largest first. */
export function topK(p: Float32Array, k: number): number[] {
  return [...p.keys()].sort((a, b) => p[b] - p[a] || a - b).slice(0, k);
}
