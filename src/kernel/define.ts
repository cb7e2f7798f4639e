// The one declaration of a node type: ports, params and kernel. The editor and the executor both read it.
import type { NodeSchema, ParamSpec, PortSpec } from '../graph/catalog.ts';
import type { Stroke } from '../graph/strokes.ts';
import type { Runtime } from '../runtime/runtime.ts';
import type { ImageValue } from '../image/value.ts';
import type { WireTypes } from './values.ts';

export type { ImageValue } from '../image/value.ts';
export type { ModelHandle, WireTypes } from './values.ts';
export { image, stack } from '../image/value.ts';

/**
 * A picture of a long kernel's work part-way: a latent shown as colours (a linear map, at latent size),
 * or the step's predicted final image decoded, `by` the model that decoded it.
 */
export interface Preview { image: ImageValue; shows: 'latent' | 'decoded'; by?: string }

/**
 * Where a sampling step ran and the tensor bytes it copied between CPU and GPU (0 and 0 on a CPU
 * backend): `resident` when its latents stayed on the GPU, else `reason` says why they did not.
 */
export interface StepTraffic {
  resident: boolean;
  reason?: string;
  bytesUp: number;
  bytesDown: number;
  /** On the first step's event: what was copied before it (conditioning, the start latent, the timesteps). */
  setup?: { bytesUp: number; bytesDown: number };
}

export interface NodeContext {
  nodeId: string;
  runtime: Runtime;
  signal: AbortSignal;
  /** Step i of n inside a long kernel, with an optional preview of it and what the step copied. */
  progress(step: number, total: number, preview?: Preview, traffic?: StepTraffic): void;
  /**
   * Partial work this node can carry on from in a later run (e.g. the denoising steps done), kept in the
   * budgeted cache under the node's resume key: its cache key, less the params `resume.ignoreParams` names.
   */
  memo: { get(): unknown; set(value: unknown): void };
}

type WireName = keyof WireTypes & string;
type PortDecl = WireName | (PortSpec & { type: WireName });

type PortType<D> = D extends WireName ? D : D extends { type: infer T extends WireName } ? T : never;
type IsOptional<D> = D extends { optional: true } ? true : false;

export type InputValues<I extends Record<string, PortDecl>> =
  { [K in keyof I as IsOptional<I[K]> extends true ? never : K]: WireTypes[PortType<I[K]>] } &
  { [K in keyof I as IsOptional<I[K]> extends true ? K : never]?: WireTypes[PortType<I[K]>] };

export type OutputValues<O extends Record<string, PortDecl>> = { [K in keyof O]: WireTypes[PortType<O[K]>] };

type ParamValue<S extends ParamSpec> =
  S extends { kind: 'int' | 'float' | 'seed' } ? number : S extends { kind: 'bool' } ? boolean
    : S extends { kind: 'strokes' } ? readonly Stroke[]
    : S extends { kind: 'choice'; choices: readonly (infer C extends string)[] } ? C : string;
export type ParamValues<P extends Record<string, ParamSpec>> = { [K in keyof P]: ParamValue<P[K]> };

export interface RunArgs<I, P> { inputs: I; params: P; ctx: NodeContext }

/** What one run of a node needs at its peak, and what the user can lower when it is too much. */
export interface MemoryNeed {
  bytes: number;
  /** e.g. 'batch, width or height': the message says "lower <this>". */
  lower: string;
}

/** What a sketch may use: the runtime (its model store), and which wired inputs are not known yet. */
export interface SketchContext extends Pick<NodeContext, 'runtime'> {
  /** Wired inputs without a value before the run: an optional one here is not one left unwired. */
  unknown: readonly string[];
}

/** What a node's `memory` estimate may read of the runtime. */
export type MemoryContext = Pick<Runtime, 'backend' | 'memoryBudget'>;

/** A node type as the executor runs it. */
export interface NodeDefinition extends NodeSchema {
  run(args: RunArgs<Record<string, unknown>, Record<string, unknown>>): Promise<Record<string, unknown>>;
  /** Extra identity for the cache key, e.g. the content hash of the model a param names. */
  identity?(params: Record<string, unknown>, ctx: Pick<NodeContext, 'runtime'>): Promise<string>;
  /** Params that do not change the work already done: a run that differs only in them resumes from `ctx.memo`. */
  resume?: { ignoreParams: readonly string[] };
  /**
   * Inputs and params that change only what the node shows while it runs (its previews), never its
   * outputs: they are left out of its cache and resume keys, so wiring or changing them re-runs nothing.
   */
  previewOnly?: { inputs?: readonly string[]; params?: readonly string[] };
  /**
   * The memory a run needs, estimated from shapes, checked against `runtime.memoryBudget` before the
   * kernel allocates: once before any kernel of the run starts, with the inputs known then (cached
   * results and the sketches of the nodes upstream; return undefined when one the estimate needs is
   * missing), and again with all the inputs just before this kernel. May throw to refuse a size
   * outright (e.g. an image side over the limit).
   */
  memory?(params: Record<string, unknown>, inputs: Record<string, unknown>, runtime: MemoryContext): MemoryNeed | undefined;
  /**
   * Its outputs as they will be, without computing them, for the check before the run: the shapes and
   * model handles that memory estimates downstream read, with empty data (src/kernel/sketch.ts). Gets
   * the inputs known, as `memory` does; leaves out what it cannot tell. Cheap: no model runs.
   */
  sketch?(params: Record<string, unknown>, inputs: Record<string, unknown>, ctx: SketchContext): Promise<Record<string, unknown>> | Record<string, unknown>;
  /** Other names people search for it by, e.g. what other tools call it ("ksampler", "preview image"). */
  aliases?: readonly string[];
  /**
   * Worth running ahead while the editor is idle, before any Run (src/engine/warm.ts): quick, with a small
   * result, and the first step of most runs (Text Encoder). It runs through the executor, so its result is
   * cached under its own key and the Run that follows finds it.
   */
  ahead?: boolean;
}

export function defineNode<
  I extends Record<string, PortDecl>, O extends Record<string, PortDecl>, P extends Record<string, ParamSpec>,
>(def: {
  type: string; version: number; title: string; category: string; description?: string; output?: boolean;
  aliases?: readonly string[]; ahead?: boolean;
  inputs: I; outputs: O; params: P;
  run(args: RunArgs<InputValues<I>, ParamValues<P>>): Promise<OutputValues<O>>;
  identity?(params: ParamValues<P>, ctx: Pick<NodeContext, 'runtime'>): Promise<string>;
  resume?: { ignoreParams: readonly (keyof P & string)[] };
  previewOnly?: { inputs?: readonly (keyof I & string)[]; params?: readonly (keyof P & string)[] };
  memory?(params: ParamValues<P>, inputs: Partial<InputValues<I>>, runtime: MemoryContext): MemoryNeed | undefined;
  sketch?(params: ParamValues<P>, inputs: Partial<InputValues<I>>, ctx: SketchContext): Promise<Partial<OutputValues<O>>> | Partial<OutputValues<O>>;
  migrate?: NodeSchema['migrate'];
  saves?: { filenameParam: keyof P & string };
}): NodeDefinition {
  const ports = (decls: Record<string, PortDecl>): Record<string, PortSpec> =>
    Object.fromEntries(Object.entries(decls).map(([k, d]) => [k, typeof d === 'string' ? { type: d } : d]));
  return { ...def, inputs: ports(def.inputs), outputs: ports(def.outputs) } as unknown as NodeDefinition;
}

// Param builders: constraints live next to the default, once.
type Opt<S> = Omit<S, 'kind'>;
type Spec<K extends ParamSpec['kind']> = Extract<ParamSpec, { kind: K }>;
export const int = (o: Opt<Spec<'int'>>): Spec<'int'> => ({ kind: 'int', ...o });
export const float = (o: Opt<Spec<'float'>>): Spec<'float'> => ({ kind: 'float', ...o });
export const seed = (o: Partial<Opt<Spec<'seed'>>> = {}): Spec<'seed'> => ({ kind: 'seed', default: 0, ...o });
export const text = (o: Opt<Spec<'string'>>): Spec<'string'> => ({ kind: 'string', ...o });
export const bool = (o: Opt<Spec<'bool'>>): Spec<'bool'> => ({ kind: 'bool', ...o });
export const model = (o: Opt<Spec<'model'>>): Spec<'model'> => ({ kind: 'model', ...o });
/** Brush strokes (a painted mask), starting with none. */
export const strokes = (o: Omit<Opt<Spec<'strokes'>>, 'default'>): Spec<'strokes'> => ({ kind: 'strokes', default: [], ...o });
/** A choice keeps its literal choices, so the kernel reads its value as one of them. */
export function choice<const C extends readonly string[]>(o: { choices: C; default: C[number]; label?: string }): Spec<'choice'> & { choices: C; default: C[number] } {
  return { kind: 'choice', ...o };
}
