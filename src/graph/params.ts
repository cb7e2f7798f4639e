import { MAX_SEED, type NodeSchema, type ParamSpec } from './catalog.ts';
import { strokesProblem } from './strokes.ts';

/** Why a value does not fit its param, or null when it does. One rule set for the inspector and the loader. */
export function paramProblem(spec: ParamSpec, value: unknown): string | null {
  switch (spec.kind) {
    case 'int':
    case 'float': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return `must be a number (got ${describe(value)})`;
      if (spec.kind === 'int' && !Number.isInteger(value)) return `must be a whole number (got ${value})`;
      if (spec.min !== undefined && value < spec.min) return `must be at least ${spec.min} (got ${value})`;
      if (spec.max !== undefined && value > spec.max) return `must be at most ${spec.max} (got ${value})`;
      return null;
    }
    case 'seed':
      if (typeof value !== 'number' || !Number.isInteger(value)) return `must be a whole number (got ${describe(value)})`;
      if (value < 0 || value > MAX_SEED) return `must be between 0 and ${MAX_SEED} (got ${value})`;
      return null;
    case 'string':
      if (typeof value !== 'string') return `must be text (got ${describe(value)})`;
      if (spec.maxLength !== undefined && value.length > spec.maxLength) return `must be at most ${spec.maxLength} characters (got ${value.length})`;
      return null;
    case 'model':
      if (typeof value !== 'string') return `must be a model id (got ${describe(value)})`;
      return null;
    case 'choice':
      if (typeof value !== 'string' || !spec.choices.includes(value)) {
        return `must be one of ${spec.choices.map((c) => JSON.stringify(c)).join(', ')} (got ${describe(value)})`;
      }
      return null;
    case 'bool':
      return typeof value === 'boolean' ? null : `must be true or false (got ${describe(value)})`;
    case 'strokes':
      return strokesProblem(value, spec);
  }
}

export function defaultParams(schema: NodeSchema): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(schema.params)) out[name] = spec.default;
  return out;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (typeof value === 'object') return 'an object';
  return String(value);
}
