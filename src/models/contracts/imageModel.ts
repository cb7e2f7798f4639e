// An image-to-image model: one float32 [1, 3, H, W] input, one [1, 3, sH, sW] output, s a whole number
// (an upscaler when s > 1, a same-size filter when s = 1). Names are free: it is matched by shape.
import type { Range } from '../../image/convert.ts';
import type { TileModel } from '../../image/upscaleTiles.ts';
import type { ModelManifest } from '../../runtime/manifest.ts';
import type { Runtime } from '../../runtime/runtime.ts';
import type { Tensor } from '../../runtime/tensor.ts';
import { listIo, openFor, refuse, ruleProblem, type BaseFacts, type Contract } from './contract.ts';

export interface ImageModelFacts extends BaseFacts {
  /** The scale when fixed dims give it, null when only a probe run can tell. */
  scale: number | null;
  /** [height, width] when the model only takes tiles of one size. */
  tile?: [number, number];
}

const IMAGE = { dtypes: ['float32'], ranks: [4] };

export const IMAGE_MODEL: Contract<ImageModelFacts> = {
  role: 'image', title: 'image model', a: 'an image model ([1,3,H,W] in)', file: 'model', shape: { inputRank: 4 },
  fit({ inputs, outputs }) {
    if (inputs.length !== 1) return refuse(`has ${inputs.length} inputs (${listIo(inputs)}); expected one image`);
    if (outputs.length !== 1) return refuse(`has ${outputs.length} outputs (${listIo(outputs)}); expected one image`);
    const [input, output] = [inputs[0], outputs[0]];
    for (const [side, io] of [['input', input], ['output', output]] as const) {
      const problem = ruleProblem(io, IMAGE);
      if (problem) return refuse(`${side} "${io.name}" ${problem}`);
      const channels = io.shape?.[1];
      if (typeof channels === 'number' && channels !== 3) return refuse(`${side} "${io.name}" has ${channels} channels; expected 3 (RGB)`);
    }
    const [ih, iw, oh, ow] = [input.shape?.[2], input.shape?.[3], output.shape?.[2], output.shape?.[3]];
    const tile: [number, number] | undefined = typeof ih === 'number' && typeof iw === 'number' ? [ih, iw] : undefined;
    let scale: number | null = null;
    if (tile && typeof oh === 'number' && typeof ow === 'number') {
      scale = oh / tile[0];
      if (!Number.isInteger(scale) || scale < 1 || ow !== tile[1] * scale) {
        return refuse(`output "${output.name}" [${output.shape!.join(', ')}] is not a whole-number upscale of input "${input.name}" [${input.shape!.join(', ')}]`);
      }
    }
    return { ok: true, facts: { precision: 'fp32', input: input.name, output: output.name, scale, ...(tile ? { tile } : {}) } };
  },
};

/** An image model opened for tiling: its scale measured when the file does not fix it. */
export type Upscaler = TileModel;

const PROBE = 32;

export async function openUpscaler(runtime: Runtime, manifest: ModelManifest, signal?: AbortSignal): Promise<Upscaler> {
  const { info, facts } = await openFor(runtime, manifest, IMAGE_MODEL);
  const range = manifest.upscaler?.range ?? [0, 1];
  const run = (feeds: Record<string, Tensor>) => runtime.run(info, feeds, signal);
  const scale = manifest.upscaler?.scale ?? facts.scale ?? (await measureScale(run, facts, info.label, PROBE, '; set upscaler.scale in its manifest if it needs other sizes'));
  return { info, input: facts.input, output: facts.output, scale, range, fixed: facts.tile ?? null };
}

/** Runs the model once on a small blank tile and reads the scale off the output size. */
export async function measureScale(
  run: (feeds: Record<string, Tensor>) => Promise<Record<string, Tensor>>, facts: ImageModelFacts, label: string, probe: number, hint = '',
): Promise<number> {
  const [h, w] = facts.tile ?? [probe, probe];
  const result = await run({ [facts.input]: { dtype: 'float32', dims: [1, 3, h, w], data: new Float32Array(3 * h * w) } });
  const dims = result[facts.output].dims;
  const scale = dims[2] / h;
  if (dims.length !== 4 || dims[1] !== 3 || !Number.isInteger(scale) || scale < 1 || dims[3] !== w * scale) {
    throw new Error(`${label}: a [1, 3, ${h}, ${w}] input gave [${dims.join(', ')}], not a whole-number upscale of it${hint}`);
  }
  return scale;
}
