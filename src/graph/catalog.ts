// What the graph layer needs to know about node types: their ports and params, as plain data.
import type { Stroke, StrokeLimits } from './strokes.ts';

export type ValueType = string;

export interface PortSpec { type: ValueType; optional?: boolean; label?: string }

export type ParamSpec =
  | { kind: 'int'; default: number; min?: number; max?: number; step?: number; label?: string }
  | { kind: 'float'; default: number; min?: number; max?: number; step?: number; label?: string }
  | { kind: 'seed'; default: number; label?: string }
  | { kind: 'string'; default: string; multiline?: boolean; maxLength?: number; label?: string; widget?: 'image-file' }
  | { kind: 'choice'; default: string; choices: readonly string[]; label?: string }
  | { kind: 'bool'; default: boolean; label?: string }
  | { kind: 'model'; default: string; modelKind: string; label?: string }
  /** Brush strokes a mask is painted from (see strokes.ts); the editor paints them over the node's image. */
  | ({ kind: 'strokes'; default: readonly Stroke[]; label?: string } & StrokeLimits);

export interface NodeSchema {
  type: string;
  version: number;
  title: string;
  category: string;
  description?: string;
  inputs: Record<string, PortSpec>;
  outputs: Record<string, PortSpec>;
  params: Record<string, ParamSpec>;
  /** Output nodes are run targets by default and their images are kept as results. */
  output?: boolean;
  /** Steps that bring a stored node's params up to this version: migrate[v] turns version v into v + 1. */
  migrate?: Readonly<Record<number, ParamMigration>>;
  /** Its image is kept as a PNG file named by this param (with the graph inside). */
  saves?: { filenameParam: string };
}

export type ParamMigration = (params: Record<string, unknown>) => Record<string, unknown>;

export interface Catalog {
  get(type: string): NodeSchema | undefined;
  /** Pairs of distinct value types where the first may feed the second (e.g. INT into SEED). */
  readonly coercions?: readonly (readonly [ValueType, ValueType])[];
}

export const MAX_SEED = Number.MAX_SAFE_INTEGER;

/** Equal types connect; so do the pairs the catalog lists as coercions. */
/**
 * A port that takes and passes any value (a reroute's). What an ANY output carries is what is wired
 * into its node's ANY input (`carriedType` in connect.ts), so wires through it are still type-checked.
 */
export const ANY_TYPE = 'ANY';

export function typesCompatible(from: ValueType, to: ValueType, catalog: Pick<Catalog, 'coercions'>): boolean {
  return from === to || from === ANY_TYPE || to === ANY_TYPE || (catalog.coercions ?? []).some(([a, b]) => a === from && b === to);
}
