// What a model kind must look like: its inputs and outputs, and the facts read off them. Each kind is
// declared once (one file beside this one); import recognises files with it and nodes check the model
// they are handed with the same object.
import type { ModelManifest } from '../../runtime/manifest.ts';
import type { IoSpec, ModelInfo, Runtime } from '../../runtime/runtime.ts';

export type Role = 'text_encoder' | 'unet' | 'vae_decoder' | 'vae_encoder' | 'image' | 'gan';
export type Precision = 'fp32' | 'fp16';

export interface IoRule { dtypes: readonly string[]; ranks: readonly number[] }
export interface ModelIo { inputs: IoSpec[]; outputs: IoSpec[] }
export type Fit<F> = { ok: true; facts: F } | { ok: false; reason: string };

/** Facts every contract reads: the main input and output, and the precision the model computes in. */
export interface BaseFacts { precision: Precision; input: string; output: string }

export interface Contract<F extends BaseFacts = BaseFacts> {
  role: Role;
  /** "UNet", "image model", ... */
  title: string;
  /** How messages name it: "a UNet", "an image model ([1,3,H,W] in)". */
  a: string;
  /** The manifest file role a node opens for it. */
  file: string;
  /** Inputs and outputs by their public export names; absent for kinds matched by shape alone. */
  named?: { inputs: Record<string, IoRule>; outputs: Record<string, IoRule> };
  /** For kinds matched by shape: the rank of their one input. */
  shape?: { inputRank: number };
  /** The facts, or the first reason the model does not fit. */
  fit(io: ModelIo): Fit<F>;
}

export const FLOAT: readonly string[] = ['float32', 'float16'];

export const refuse = (reason: string): { ok: false; reason: string } => ({ ok: false, reason });

/** Checks a named contract's inputs and outputs, then reads the facts off them. */
export function namedFit<F extends BaseFacts>(named: NonNullable<Contract['named']>, io: ModelIo, facts: (get: Lookup) => F, extraInputHint = ''): Fit<F> {
  for (const [side, ios, rules] of [['input', io.inputs, named.inputs], ['output', io.outputs, named.outputs]] as const) {
    for (const [name, rule] of Object.entries(rules)) {
      const found = ios.find((x) => x.name === name);
      if (!found) return refuse(`has no ${side} "${name}" (its ${side}s: ${listIo(ios)})`);
      const problem = ruleProblem(found, rule);
      if (problem) return refuse(`${side} "${name}" ${problem}`);
    }
  }
  const extra = io.inputs.find((i) => !Object.hasOwn(named.inputs, i.name));
  if (extra) return refuse(`has an extra input "${extra.name}" that no node feeds${extraInputHint}`);
  const get: Lookup = (side, name) => io[side].find((x) => x.name === name)!;
  return { ok: true, facts: facts(get) };
}

type Lookup = (side: 'inputs' | 'outputs', name: string) => IoSpec;

/** A fixed dimension, or undefined when it is symbolic or unknown. */
export function dim(spec: IoSpec, i: number): number | undefined {
  return typeof spec.shape?.[i] === 'number' ? (spec.shape[i] as number) : undefined;
}

export const precisionOf = (dtype: string): Precision => (dtype === 'float16' ? 'fp16' : 'fp32');

export function ruleProblem(io: IoSpec, rule: IoRule): string | null {
  if (!rule.dtypes.includes(io.dtype)) return `is ${io.dtype}; expected ${orList(rule.dtypes)}`;
  if (io.shape && !rule.ranks.includes(io.shape.length)) {
    return `has rank ${io.shape.length} [${io.shape.join(', ')}]; expected rank ${orList(rule.ranks.map(String))}`;
  }
  return null;
}

/** The facts of a loaded model, or an error naming the model and what differs. */
export function mustFit<F extends BaseFacts>(info: ModelInfo, contract: Contract<F>): F {
  const fit = contract.fit(info);
  if (!fit.ok) throw new Error(`${info.label}: ${fit.reason}`);
  return fit.facts;
}

/** Opens a stored model's file for this contract and checks it. */
export async function openFor<F extends BaseFacts>(runtime: Runtime, manifest: ModelManifest, contract: Contract<F>): Promise<{ info: ModelInfo; facts: F }> {
  const info = await runtime.open(manifest, contract.file);
  return { info, facts: mustFit(info, contract) };
}

export function describeIo(io: IoSpec): string {
  return `${io.name} ${io.dtype}${io.shape ? `[${io.shape.join(',')}]` : ''}`;
}

export function listIo(ios: IoSpec[]): string {
  return ios.length ? ios.map(describeIo).join(', ') : 'none';
}

export function orList(items: readonly string[]): string {
  return items.length < 2 ? items.join('') : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}
