// What an ONNX file is, read from its input and output signature alone: pure, so it is tested without sessions.
import type { IoSpec } from '../runtime/runtime.ts';

export type Role = 'text_encoder' | 'unet' | 'vae_decoder' | 'image' | 'gan';
export type Precision = 'fp32' | 'fp16';

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
  timestep?: { dtype: string; rank: number };
  /** Image models: the scale when fixed dims give it, null when only a probe run can tell. */
  scale?: number | null;
  /** Image models that only take one tile size: [height, width]. */
  tile?: [number, number];
  zDim?: number;
}

export interface Refused {
  ok: false;
  /** The contract the file came closest to, if any. */
  nearest: Role | null;
  reason: string;
}

export type Recognition = Recognized | Refused;

interface Rule { dtypes: readonly string[]; ranks: readonly number[] }
interface Contract { role: Role; title: string; inputs: Record<string, Rule>; outputs: Record<string, Rule> }

const FLOAT = ['float32', 'float16'];

/** The public Stable Diffusion ONNX exports' names, as the diffusion nodes feed them. */
export const SD_CONTRACTS: readonly Contract[] = [
  {
    role: 'text_encoder', title: 'text encoder',
    inputs: { input_ids: { dtypes: ['int32', 'int64'], ranks: [2] } },
    outputs: { last_hidden_state: { dtypes: FLOAT, ranks: [3] } },
  },
  {
    role: 'unet', title: 'UNet',
    inputs: {
      sample: { dtypes: FLOAT, ranks: [4] },
      timestep: { dtypes: ['int64', 'int32', 'float32', 'float16'], ranks: [0, 1] },
      encoder_hidden_states: { dtypes: FLOAT, ranks: [3] },
    },
    outputs: { out_sample: { dtypes: FLOAT, ranks: [4] } },
  },
  {
    role: 'vae_decoder', title: 'VAE decoder',
    inputs: { latent_sample: { dtypes: FLOAT, ranks: [4] } },
    outputs: { sample: { dtypes: FLOAT, ranks: [4] } },
  },
];

export function recognize(inputs: IoSpec[], outputs: IoSpec[]): Recognition {
  const named = nearestNamed(inputs, outputs);
  if (named?.complete) return checkNamed(named.contract, inputs, outputs);
  if (has(inputs, 'sample') && has(outputs, 'latent_sample')) {
    return { ok: false, nearest: 'vae_decoder', reason: 'looks like a VAE encoder (image to latents); only VAE decoders are used' };
  }
  const rank = inputs.length === 1 ? inputs[0].shape?.length : undefined;
  const structural = rank === 4 ? imageModel(inputs[0], outputs) : rank === 2 ? generator(inputs[0], outputs) : null;
  // Some names in common with a contract, but a plain image model or generator fits better.
  if (structural?.ok || (structural && !named)) return structural;
  if (named) return checkNamed(named.contract, inputs, outputs);
  return {
    ok: false, nearest: null,
    reason: `fits no model contract (inputs: ${list(inputs)}; outputs: ${list(outputs)}). Expected a text encoder ` +
      '(input_ids -> last_hidden_state), a UNet (sample, timestep, encoder_hidden_states -> out_sample), a VAE decoder ' +
      '(latent_sample -> sample), an image model ([1,3,H,W] -> [1,3,sH,sW]) or a GAN generator ([B,n] -> [B,3,H,W])',
  };
}

/** The named contract sharing the most input/output names with the file, if it shares any. */
function nearestNamed(inputs: IoSpec[], outputs: IoSpec[]): { contract: Contract; complete: boolean } | null {
  let best: Contract | null = null;
  let bestScore = 0;
  for (const c of SD_CONTRACTS) {
    const names = [...Object.keys(c.inputs).map((n) => has(inputs, n)), ...Object.keys(c.outputs).map((n) => has(outputs, n))];
    // A share of the contract's names, so a one-input decoder is not beaten by a partial UNet.
    const score = names.filter(Boolean).length / names.length;
    if (score > bestScore) [best, bestScore] = [c, score];
  }
  // "sample" alone is also the VAE encoder's input: not enough to call it a UNet.
  if (!best || (best.role === 'unet' && bestScore <= 1 / 4)) return null;
  return { contract: best, complete: bestScore === 1 };
}

function checkNamed(c: Contract, inputs: IoSpec[], outputs: IoSpec[]): Recognition {
  const refuse = (why: string): Refused => ({ ok: false, nearest: c.role, reason: `looks like a ${c.title} but ${why}` });
  for (const [side, ios, rules] of [['input', inputs, c.inputs], ['output', outputs, c.outputs]] as const) {
    for (const [name, rule] of Object.entries(rules)) {
      const io = ios.find((x) => x.name === name);
      if (!io) return refuse(`has no ${side} "${name}" (its ${side}s: ${list(ios)})`);
      const problem = ruleProblem(io, rule);
      if (problem) return refuse(`${side} "${name}" ${problem}`);
    }
  }
  const extra = inputs.find((i) => !(i.name in c.inputs));
  if (extra) return refuse(`has an extra input "${extra.name}" that no node feeds${c.role === 'unet' ? ' (SDXL-style UNets are not supported)' : ''}`);
  const io = (ios: IoSpec[], name: string) => ios.find((x) => x.name === name)!;
  const dim = (spec: IoSpec, i: number) => (typeof spec.shape?.[i] === 'number' ? (spec.shape[i] as number) : undefined);
  switch (c.role) {
    case 'text_encoder': {
      const hidden = io(outputs, 'last_hidden_state');
      return done(c, hidden.dtype, 'input_ids', 'last_hidden_state', { hiddenSize: dim(hidden, 2), maxLength: dim(io(inputs, 'input_ids'), 1) });
    }
    case 'unet': {
      const sample = io(inputs, 'sample');
      const t = io(inputs, 'timestep');
      return done(c, sample.dtype, 'sample', 'out_sample', {
        latentChannels: dim(sample, 1), hiddenSize: dim(io(inputs, 'encoder_hidden_states'), 2),
        timestep: { dtype: t.dtype, rank: t.shape?.length ?? 1 },
      });
    }
    default:
      return done(c, io(inputs, 'latent_sample').dtype, 'latent_sample', 'sample', { latentChannels: dim(io(inputs, 'latent_sample'), 1) });
  }
}

function done(c: Contract, dtype: string, input: string, output: string, facts: Partial<Recognized>): Recognized {
  const clean = Object.fromEntries(Object.entries(facts).filter(([, v]) => v !== undefined));
  return { ok: true, role: c.role, title: c.title, precision: dtype === 'float16' ? 'fp16' : 'fp32', input, output, ...clean };
}

/** [1, 3, H, W] -> [1, 3, sH, sW]: an upscaler (s > 1) or a same-size filter; float32 as the image nodes feed it. */
function imageModel(input: IoSpec, outputs: IoSpec[]): Recognition {
  const refuse = (why: string): Refused => ({ ok: false, nearest: 'image', reason: `looks like an image model ([1,3,H,W] in) but ${why}` });
  if (outputs.length !== 1) return refuse(`has ${outputs.length} outputs (${list(outputs)}); expected one image`);
  const output = outputs[0];
  for (const [side, io] of [['input', input], ['output', output]] as const) {
    const problem = ruleProblem(io, { dtypes: ['float32'], ranks: [4] });
    if (problem) return refuse(`${side} "${io.name}" ${problem}`);
    const channels = io.shape?.[1];
    if (typeof channels === 'number' && channels !== 3) return refuse(`${side} "${io.name}" has ${channels} channels; expected 3 (RGB)`);
  }
  const [ih, iw, oh, ow] = [input.shape![2], input.shape![3], output.shape![2], output.shape![3]];
  const tile: [number, number] | undefined = typeof ih === 'number' && typeof iw === 'number' ? [ih, iw] : undefined;
  let scale: number | null = null;
  if (tile && typeof oh === 'number' && typeof ow === 'number') {
    scale = oh / tile[0];
    if (!Number.isInteger(scale) || scale < 1 || ow !== tile[1] * scale) {
      return refuse(`output "${output.name}" [${output.shape!.join(', ')}] is not a whole-number upscale of input "${input.name}" [${input.shape!.join(', ')}]`);
    }
  }
  return { ok: true, role: 'image', title: 'image model', precision: 'fp32', input: input.name, output: output.name, scale, ...(tile ? { tile } : {}) };
}

/** z [B, n] -> image [B, 3, H, W]. */
function generator(input: IoSpec, outputs: IoSpec[]): Recognition {
  const refuse = (why: string): Refused => ({ ok: false, nearest: 'gan', reason: `looks like a GAN generator ([B,n] in) but ${why}` });
  const inputProblem = ruleProblem(input, { dtypes: ['float32'], ranks: [2] });
  if (inputProblem) return refuse(`input "${input.name}" ${inputProblem}`);
  const output = outputs[0];
  if (!output) return refuse('has no outputs');
  const outputProblem = ruleProblem(output, { dtypes: ['float32'], ranks: [4] });
  if (outputProblem) return refuse(`output "${output.name}" ${outputProblem}`);
  const z = input.shape![1];
  if (typeof z !== 'number') return refuse(`input "${input.name}" has no fixed latent size (dim 1 is "${z}")`);
  return { ok: true, role: 'gan', title: 'GAN generator', precision: 'fp32', input: input.name, output: output.name, zDim: z };
}

function ruleProblem(io: IoSpec, rule: Rule): string | null {
  if (!rule.dtypes.includes(io.dtype)) return `is ${io.dtype}; expected ${or(rule.dtypes)}`;
  if (io.shape && !rule.ranks.includes(io.shape.length)) {
    return `has rank ${io.shape.length} [${io.shape.join(', ')}]; expected rank ${or(rule.ranks.map(String))}`;
  }
  return null;
}

function or(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function has(ios: IoSpec[], name: string): boolean {
  return ios.some((x) => x.name === name);
}

export function describeIo(io: IoSpec): string {
  return `${io.name} ${io.dtype}${io.shape ? `[${io.shape.join(',')}]` : ''}`;
}

function list(ios: IoSpec[]): string {
  return ios.length ? ios.map(describeIo).join(', ') : 'none';
}
