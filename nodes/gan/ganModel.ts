// A GAN generator model: one float32 latent input [B, zDim], an image output [B, 3, H, W].
import type { ModelManifest } from '../../src/runtime/manifest.ts';
import type { ModelInfo, Runtime } from '../../src/runtime/runtime.ts';
import { checkSignature } from '../../src/runtime/signature.ts';
import type { Range } from '../image/convert.ts';

export interface Generator {
  info: ModelInfo;
  input: string;
  output: string;
  zDim: number;
  range: Range;
  /** How many latents one run takes: the batch dim when fixed, else our own chunk size. */
  chunk: number;
  fixedBatch: boolean;
}

export async function openGenerator(runtime: Runtime, manifest: ModelManifest): Promise<Generator> {
  const info = await runtime.open(manifest, 'model');
  if (info.inputs.length !== 1 || info.outputs.length < 1) {
    throw new Error(`${info.label}: a GAN generator has one latent input; this one has ${info.inputs.map((i) => `"${i.name}"`).join(', ') || 'none'}`);
  }
  const [input, output] = [info.inputs[0].name, info.outputs[0].name];
  checkSignature(info, { inputs: { [input]: { dtypes: ['float32'], ranks: [2] } }, outputs: { [output]: { dtypes: ['float32'], ranks: [4] } } });
  const shape = info.inputs[0].shape;
  const fromModel = shape && typeof shape[1] === 'number' ? shape[1] : undefined;
  const zDim = manifest.gan?.zDim ?? fromModel;
  if (zDim === undefined) throw new Error(`${info.label}: input "${input}" has no fixed latent size; set gan.zDim in its manifest`);
  if (fromModel !== undefined && fromModel !== zDim) {
    throw new Error(`${info.label}: input "${input}" takes ${fromModel} values per latent, the manifest says gan.zDim ${zDim}`);
  }
  const fixedBatch = !!shape && typeof shape[0] === 'number';
  const chunk = fixedBatch ? (shape![0] as number) : 16;
  return { info, input, output, zDim, range: manifest.gan?.range ?? [-1, 1], chunk, fixedBatch };
}
