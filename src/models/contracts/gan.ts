// A GAN generator: one float32 latent input [B, zDim], an image output [B, 3, H, W]. Matched by shape.
// It may take one more input, float32 [1]: its truncation psi, which a StyleGAN-like generator applies
// to its intermediate latent w (w_avg + psi (w - w_avg)), something only the model itself can do. A
// class-conditional one also takes each image's class, int64 or int32 [B], named by its manifest.
import type { Range } from '../../image/convert.ts';
import type { ModelManifest } from '../../runtime/manifest.ts';
import type { IoSpec, ModelInfo, Runtime } from '../../runtime/runtime.ts';
import { dim, listIo, openFor, orList, refuse, ruleProblem, type BaseFacts, type Contract, type Fit, type ModelIo } from './contract.ts';

export interface GanFacts extends BaseFacts {
  /** Values per latent; null when the file leaves it symbolic (a manifest may then say it). */
  zDim: number | null;
  /** The batch size when the file fixes it. */
  batch?: number;
  /** The float32 [1] input that takes truncation psi, when the generator has one. */
  truncation?: string;
  /** A class-conditional generator's class input. */
  label?: { name: string; dtype: 'int64' | 'int32' };
}

/** Names a truncation input is recognised by in a file that has no manifest yet. */
export const TRUNCATION_NAMES: readonly string[] = ['psi', 'truncation', 'truncation_psi'];

/**
 * Checks a generator's inputs and output. `truncationInput` (from its manifest) names its truncation
 * input; without it, an extra float32 [1] input named as in TRUNCATION_NAMES is taken as one.
 * `labelInput` (from its manifest) names a class-conditional generator's class input.
 */
export function fitGenerator({ inputs, outputs }: ModelIo, truncationInput?: string, labelInput?: string): Fit<GanFacts> {
  let label: IoSpec | undefined;
  if (labelInput !== undefined) {
    label = inputs.find((i) => i.name === labelInput);
    if (!label) return refuse(`has no input "${labelInput}", which its manifest names as gan.labelInput (its inputs: ${listIo(inputs)})`);
    const problem = ruleProblem(label, { dtypes: ['int64', 'int32'], ranks: [1] });
    if (problem) return refuse(`class input "${label.name}" ${problem}`);
    inputs = inputs.filter((i) => i !== label);
  }
  let truncation: IoSpec | undefined;
  if (truncationInput !== undefined) {
    truncation = inputs.find((i) => i.name === truncationInput);
    if (!truncation) return refuse(`has no input "${truncationInput}", which its manifest names as gan.truncationInput (its inputs: ${listIo(inputs)})`);
  } else if (inputs.length > 1) {
    truncation = inputs.find((i) => TRUNCATION_NAMES.includes(i.name));
  }
  const rest = inputs.filter((i) => i !== truncation);
  if (rest.length === 0) return refuse(`has no latent input (its inputs: ${listIo(inputs)})`);
  const input = rest.find((i) => i.shape?.length === 2) ?? rest[0];
  const extra = rest.find((i) => i !== input);
  if (extra) {
    return refuse(`has an extra input "${extra.name}" ${typeOf(extra)} that no node feeds; besides its latent, a GAN generator `
      + `may take one float32 [1] truncation input, named ${orList(TRUNCATION_NAMES.map((n) => `"${n}"`))} or by gan.truncationInput in its manifest, `
      + 'and a class-conditional one an int64 or int32 [B] class input its manifest names in gan.labelInput, with its classes in gan.classes');
  }
  const inputProblem = ruleProblem(input, { dtypes: ['float32'], ranks: [2] });
  if (inputProblem) return refuse(`input "${input.name}" ${inputProblem}`);
  if (truncation && (truncation.dtype !== 'float32' || (truncation.shape && (truncation.shape.length !== 1 || truncation.shape[0] !== 1)))) {
    return refuse(`truncation input "${truncation.name}" is ${typeOf(truncation)}; expected float32 [1]`);
  }
  const output = outputs[0];
  if (!output) return refuse('has no outputs');
  const outputProblem = ruleProblem(output, { dtypes: ['float32'], ranks: [4] });
  if (outputProblem) return refuse(`output "${output.name}" ${outputProblem}`);
  const batch = dim(input, 0);
  return {
    ok: true,
    facts: {
      precision: 'fp32', input: input.name, output: output.name, zDim: dim(input, 1) ?? null,
      ...(batch ? { batch } : {}), ...(truncation ? { truncation: truncation.name } : {}),
      ...(label ? { label: { name: label.name, dtype: label.dtype as 'int64' | 'int32' } } : {}),
    },
  };
}

const typeOf = (io: IoSpec): string => `${io.dtype}${io.shape ? ` [${io.shape.join(', ')}]` : ''}`;

export const GAN: Contract<GanFacts> = {
  role: 'gan', title: 'GAN generator', a: 'a GAN generator ([B,n] in)', file: 'model', shape: { inputRank: 2 },
  fit: (io) => fitGenerator(io),
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
  /** The input that takes truncation psi; absent when the node must scale z instead. */
  truncation?: string;
  /** A class-conditional generator's class input, and its classes by their names (manifest gan.classes). */
  label?: { name: string; dtype: 'int64' | 'int32'; classes: string[][] };
}

export async function openGenerator(runtime: Runtime, manifest: ModelManifest): Promise<Generator> {
  // GAN's contract, with the truncation input the manifest names.
  const { info, facts } = await openFor(runtime, manifest, { ...GAN, fit: (io) => fitGenerator(io, manifest.gan?.truncationInput, manifest.gan?.labelInput) });
  const zDim = manifest.gan?.zDim ?? facts.zDim;
  if (zDim === null) throw new Error(`${info.label}: input "${facts.input}" has no fixed latent size; set gan.zDim in its manifest`);
  if (facts.zDim !== null && facts.zDim !== zDim) {
    throw new Error(`${info.label}: input "${facts.input}" takes ${facts.zDim} values per latent, the manifest says gan.zDim ${zDim}`);
  }
  const fixedBatch = facts.batch !== undefined;
  return {
    info, input: facts.input, output: facts.output, zDim, range: manifest.gan?.range ?? [-1, 1], chunk: facts.batch ?? 16, fixedBatch,
    ...(facts.truncation ? { truncation: facts.truncation } : {}),
    ...(facts.label && manifest.gan?.classes ? { label: { ...facts.label, classes: manifest.gan.classes } } : {}),
  };
}
