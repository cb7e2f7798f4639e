// What an ONNX file is, read from its input and output signature alone: pure, so it is tested without
// sessions. The kinds themselves are declared once, in contracts/.
import type { IoSpec } from '../runtime/runtime.ts';
import { listIo, type Contract, type Precision, type Role } from './contracts/contract.ts';
import { CONTRACTS } from './contracts/index.ts';

export type { Precision, Role } from './contracts/contract.ts';

export interface Recognized {
  ok: true;
  role: Role;
  /** "UNet", "text encoder", ... for messages. */
  title: string;
  precision: Precision;
  /** The model's single input and output (image models and GANs), or its main ones. */
  input: string;
  output: string;
  /** Text encoder output width, or the width the UNet's encoder_hidden_states take. */
  hiddenSize?: number;
  /** Tokens per prompt, when the text encoder fixes it. */
  maxLength?: number;
  latentChannels?: number;
  /** UNets: takes the mask and the masked image's latent too (9 channels for SD). */
  inpainting?: boolean;
  timestep?: { dtype: string; rank: number };
  /** Image models: the scale when fixed dims give it, null when only a probe run can tell. */
  scale?: number | null;
  /** Image models that only take one tile size: [height, width]. */
  tile?: [number, number];
  zDim?: number;
  /** GANs: the float32 [1] input that takes truncation psi. */
  truncation?: string;
}

export interface Refused {
  ok: false;
  /** The contract the file came closest to, if any. */
  nearest: Role | null;
  reason: string;
}

export type Recognition = Recognized | Refused;

/** Kinds recognised by the public exports' input and output names (the Stable Diffusion parts). */
const NAMED = CONTRACTS.filter((c) => c.named);
/** Kinds recognised by the shape of their one input. */
const BY_SHAPE = CONTRACTS.filter((c) => c.shape);

export function recognize(inputs: IoSpec[], outputs: IoSpec[]): Recognition {
  const io = { inputs, outputs };
  const named = nearestNamed(io);
  if (named?.complete) return recognizeAs(named.contract, io);
  // Kinds whose main input's rank one of the inputs has (a GAN may have a truncation input too): the
  // one that fits, else the one the first input's rank names, for its reason.
  const tried = BY_SHAPE.filter((c) => inputs.some((i) => i.shape?.length === c.shape!.inputRank))
    .map((c) => ({ c, r: recognizeAs(c, io) }));
  const structural = (tried.find((t) => t.r.ok) ?? tried.find((t) => t.c.shape!.inputRank === inputs[0]?.shape?.length) ?? tried[0])?.r ?? null;
  // Some names in common with a contract, but a plain image model or generator fits better.
  if (structural?.ok || (structural && !named)) return structural;
  if (named) return recognizeAs(named.contract, io);
  return {
    ok: false, nearest: null,
    reason: `fits no model contract (inputs: ${listIo(inputs)}; outputs: ${listIo(outputs)}). Expected a text encoder ` +
      '(input_ids -> last_hidden_state), a UNet (sample, timestep, encoder_hidden_states -> out_sample), a VAE decoder ' +
      '(latent_sample -> sample), a VAE encoder (sample -> latent_sample), an image model ([1,3,H,W] -> [1,3,sH,sW]) or a GAN generator ([B,n] -> [B,3,H,W])',
  };
}

function recognizeAs(c: Contract, io: { inputs: IoSpec[]; outputs: IoSpec[] }): Recognition {
  const refuse = (why: string): Refused => ({ ok: false, nearest: c.role, reason: `looks like ${c.a} but ${why}` });
  const fit = c.fit(io);
  if (!fit.ok) return refuse(fit.reason);
  const facts: Record<string, unknown> = { ...fit.facts };
  // Import needs every fact fixed in the file; a GAN's latent size is the one a node could learn elsewhere.
  if (c.role === 'gan') {
    const latent = io.inputs.find((i) => i.name === fit.facts.input)!;
    if (facts.zDim === null) return refuse(`input "${fit.facts.input}" has no fixed latent size (dim 1 is ${latent.shape ? `"${latent.shape[1]}"` : 'not declared'})`);
    delete facts.batch;
  }
  if (facts.inpainting === false) delete facts.inpainting;
  for (const k of ['sampleDtype', 'idsDtype', 'dtype', 'outputChannels', 'tokens', 'inputChannels']) delete facts[k];
  const clean = Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined));
  return { ok: true, role: c.role, title: c.title, ...clean } as Recognized;
}

/** The named contract sharing the most input/output names with the file, if it shares any. */
function nearestNamed(io: { inputs: IoSpec[]; outputs: IoSpec[] }): { contract: Contract; complete: boolean } | null {
  let best: Contract | null = null;
  let bestScore = 0;
  for (const c of NAMED) {
    const { inputs, outputs } = c.named!;
    const names = [...Object.keys(inputs).map((n) => has(io.inputs, n)), ...Object.keys(outputs).map((n) => has(io.outputs, n))];
    // A share of the contract's names, so a one-input decoder is not beaten by a partial UNet.
    const score = names.filter(Boolean).length / names.length;
    if (score > bestScore) [best, bestScore] = [c, score];
  }
  // "sample" alone is also the VAE encoder's input: not enough to call it a UNet.
  if (!best || (best.role === 'unet' && bestScore <= 1 / 4)) return null;
  return { contract: best, complete: bestScore === 1 };
}

function has(ios: IoSpec[], name: string): boolean {
  return ios.some((x) => x.name === name);
}
