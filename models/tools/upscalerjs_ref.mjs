// Runs an UpscalerJS ESRGAN x4 model (TF.js layers model from @upscalerjs/esrgan-<size>) with the TF.js
// WASM backend on a fixed input and writes the input and output as raw float32 (NHWC), for
// convert_upscalerjs.py to check its PyTorch re-implementation against.
// Usage: node models/tools/upscalerjs_ref.mjs <slim|medium|thick> <out.json> [height] [width]
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';

const require = createRequire(import.meta.url);

/** The x4 model folder of @upscalerjs/esrgan-<size>. */
export function modelDir(size) {
  let dir = path.dirname(require.resolve(`@upscalerjs/esrgan-${size}/4x`)); // package.json is not exported
  while (!fs.existsSync(path.join(dir, 'package.json'))) dir = path.dirname(dir);
  return path.join(dir, 'models', 'x4');
}

/** The TF.js IO handler for a model folder on disk (TF.js in Node without tfjs-node has no file://). */
export function fileHandler(dir) {
  return {
    async load() {
      const json = JSON.parse(fs.readFileSync(path.join(dir, 'model.json'), 'utf8'));
      const specs = json.weightsManifest.flatMap((g) => g.weights);
      const buffers = json.weightsManifest.flatMap((g) => g.paths.map((p) => fs.readFileSync(path.join(dir, p))));
      const all = Buffer.concat(buffers);
      return { modelTopology: json.modelTopology, weightSpecs: specs, weightData: all.buffer.slice(all.byteOffset, all.byteOffset + all.byteLength), format: json.format, generatedBy: json.generatedBy, convertedBy: json.convertedBy };
    },
  };
}

/** The range UpscalerJS feeds the model: [0, 255] for the RDN sizes (slim, medium), [0, 1] for thick. */
export const inputRange = (size) => (size === 'thick' ? 1 : 255);

/** Registers the custom layers of the thick (RRDB) model, as UpscalerJS's model definition does. */
export async function setup(size) {
  const mod = require(`@upscalerjs/esrgan-${size}/4x`); // its ESM build has extensionless imports
  const def = mod.default ?? mod;
  if (def.setup) await def.setup(tf);
  return def;
}

async function main() {
  const [size, out, h = '23', w = '31'] = process.argv.slice(2);
  await tf.setBackend('wasm');
  await setup(size);
  const model = await tf.loadLayersModel(fileHandler(modelDir(size)));
  const [H, W] = [Number(h), Number(w)];
  const x = new Float32Array(H * W * 3);
  for (let i = 0; i < x.length; i++) x[i] = (0.5 + 0.45 * Math.sin(0.37 * i) * Math.cos(0.011 * i)) * inputRange(size);
  const y = model.predict(tf.tensor4d(x, [1, H, W, 3]));
  const data = await y.data();
  fs.writeFileSync(out, JSON.stringify({ backend: tf.getBackend(), input: { dims: [1, H, W, 3], data: Array.from(x) }, output: { dims: y.shape, data: Array.from(data) } }));
  console.log(`${size}: ${tf.getBackend()} [1, ${H}, ${W}, 3] -> [${y.shape.join(', ')}]`);
}

if (process.argv[1] && import.meta.url === `file://${path.resolve(process.argv[1])}`) await main();
