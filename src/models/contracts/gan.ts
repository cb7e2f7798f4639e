// A GAN generator: one float32 latent input [B, zDim], an image output [B, 3, H, W]. Matched by shape.
import type { Range } from '../../image/convert.ts';
import type { ModelManifest } from '../../runtime/manifest.ts';
import type { ModelInfo, Runtime } from '../../runtime/runtime.ts';
import { dim, openFor, refuse, ruleProblem, type BaseFacts, type Contract } from './contract.ts';

export interface GanFacts extends BaseFacts {
  /** Values per latent; null when the file leaves it symbolic (a manifest may then say it). */
  zDim: number | null;
  /** The batch size when the file fixes it. */
  batch?: number;
}

export const GAN: Contract<GanFacts> = {
  role: 'gan', title: 'GAN generator', a: 'a GAN generator ([B,n] in)', file: 'model', shape: { inputRank: 2 },
  fit({ inputs, outputs }) {
    if (inputs.length !== 1) return refuse(`has ${inputs.length} inputs; expected one latent input`);
    const input = inputs[0];
    const inputProblem = ruleProblem(input, { dtypes: ['float32'], ranks: [2] });
    if (inputProblem) return refuse(`input "${input.name}" ${inputProblem}`);
    const output = outputs[0];
    if (!output) return refuse('has no outputs');
    const outputProblem = ruleProblem(output, { dtypes: ['float32'], ranks: [4] });
    if (outputProblem) return refuse(`output "${output.name}" ${outputProblem}`);
    const batch = dim(input, 0);
    return { ok: true, facts: { precision: 'fp32', input: input.name, output: output.name, zDim: dim(input, 1) ?? null, ...(batch ? { batch } : {}) } };
  },
};

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
  const { info, facts } = await openFor(runtime, manifest, GAN);
  const zDim = manifest.gan?.zDim ?? facts.zDim;
  if (zDim === null) throw new Error(`${info.label}: input "${facts.input}" has no fixed latent size; set gan.zDim in its manifest`);
  if (facts.zDim !== null && facts.zDim !== zDim) {
    throw new Error(`${info.label}: input "${facts.input}" takes ${facts.zDim} values per latent, the manifest says gan.zDim ${zDim}`);
  }
  const fixedBatch = facts.batch !== undefined;
  return { info, input: facts.input, output: facts.output, zDim, range: manifest.gan?.range ?? [-1, 1], chunk: facts.batch ?? 16, fixedBatch };
}
