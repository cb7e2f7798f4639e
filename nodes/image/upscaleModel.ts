// What the upscale kernel needs to know about a super-resolution model, checked once when it is opened:
// one float32 [1, 3, H, W] input, one [1, 3, sH, sW] output, the scale s, the value range.
import type { ModelManifest } from '../../src/runtime/manifest.ts';
import type { ModelInfo, Runtime } from '../../src/runtime/runtime.ts';
import { checkSignature } from '../../src/runtime/signature.ts';
import type { Range } from './convert.ts';

export interface Upscaler {
  info: ModelInfo;
  input: string;
  output: string;
  scale: number;
  range: Range;
  /** [height, width] when the model only takes tiles of one size. */
  fixed: [number, number] | null;
}

const PROBE = 32;

export async function openUpscaler(runtime: Runtime, manifest: ModelManifest, signal?: AbortSignal): Promise<Upscaler> {
  const info = await runtime.open(manifest, 'model');
  if (info.inputs.length !== 1 || info.outputs.length !== 1) {
    throw new Error(`${info.label}: an upscaler has one input and one output; this one has ${names(info.inputs)} in and ${names(info.outputs)} out`);
  }
  const [input, output] = [info.inputs[0].name, info.outputs[0].name];
  const image = { dtypes: ['float32'], ranks: [4] };
  checkSignature(info, { inputs: { [input]: image }, outputs: { [output]: image } });
  const shape = info.inputs[0].shape;
  if (shape && typeof shape[1] === 'number' && shape[1] !== 3) {
    throw new Error(`${info.label}: input "${input}" has ${shape[1]} channels, an upscaler takes 3 (RGB)`);
  }
  const fixed: [number, number] | null = shape && typeof shape[2] === 'number' && typeof shape[3] === 'number' ? [shape[2], shape[3]] : null;
  const range = manifest.upscaler?.range ?? [0, 1];
  const scale = manifest.upscaler?.scale ?? (await measureScale(runtime, info, input, output, fixed, signal));
  return { info, input, output, scale, range, fixed };
}

/** Runs the model once on a small blank tile and reads the scale off the output size. */
async function measureScale(runtime: Runtime, info: ModelInfo, input: string, output: string, fixed: [number, number] | null, signal?: AbortSignal): Promise<number> {
  const [h, w] = fixed ?? [PROBE, PROBE];
  const result = await runtime.run(info, { [input]: { dtype: 'float32', dims: [1, 3, h, w], data: new Float32Array(3 * h * w) } }, signal);
  const dims = result[output].dims;
  const scale = dims[2] / h;
  if (dims.length !== 4 || dims[1] !== 3 || !Number.isInteger(scale) || scale < 1 || dims[3] !== w * scale) {
    throw new Error(`${info.label}: a [1, 3, ${h}, ${w}] input gave [${dims.join(', ')}], not a whole-number upscale of it; set upscaler.scale in its manifest if it needs other sizes`);
  }
  return scale;
}

function names(ios: { name: string }[]): string {
  return ios.length === 0 ? 'nothing' : ios.map((io) => `"${io.name}"`).join(', ');
}
