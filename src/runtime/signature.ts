// Checks a loaded model's inputs and outputs against what a node expects, naming the one that differs.
import type { IoSpec, ModelInfo } from './runtime.ts';

export interface IoExpectation {
  dtypes?: readonly string[];
  /** Allowed ranks; a symbolic or unknown shape passes. */
  ranks?: readonly number[];
}

export interface Signature {
  inputs: Record<string, IoExpectation>;
  outputs: Record<string, IoExpectation>;
}

/** The reason `info` does not fit `expected`, or null. */
export function signatureProblem(info: ModelInfo, expected: Signature): string | null {
  for (const side of ['inputs', 'outputs'] as const) {
    const kind = side === 'inputs' ? 'input' : 'output';
    for (const [name, want] of Object.entries(expected[side])) {
      const io = info[side].find((x) => x.name === name);
      if (!io) return `${info.label}: has no ${kind} "${name}" (its ${side}: ${info[side].map(describe).join(', ')})`;
      if (want.dtypes && !want.dtypes.includes(io.dtype)) {
        return `${info.label}: ${kind} "${name}" is ${io.dtype}, expected ${want.dtypes.join(' or ')}`;
      }
      if (want.ranks && io.shape !== null && !want.ranks.includes(io.shape.length)) {
        return `${info.label}: ${kind} "${name}" has rank ${io.shape.length} [${io.shape.join(', ')}], expected rank ${want.ranks.join(' or ')}`;
      }
    }
  }
  return null;
}

export function checkSignature(info: ModelInfo, expected: Signature): void {
  const problem = signatureProblem(info, expected);
  if (problem) throw new Error(problem);
}

function describe(io: IoSpec): string {
  return `${io.name} ${io.dtype}${io.shape ? `[${io.shape.join(',')}]` : ''}`;
}
