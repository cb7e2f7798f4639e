// onnxruntime's failures in words a person can act on. The executor puts the sentence in a failed
// node's message; onnxruntime's own text (error codes, C++ source paths of the build, operator names)
// stays beside it as `details`, for a bug report or --verbose.

export type OrtFailureKind = 'out-of-memory' | 'input-shape' | 'input-type' | 'missing-input' | 'model-failed';

export interface OrtFailure {
  kind: OrtFailureKind;
  /** A sentence without onnxruntime's own text; it does not name the node (the caller does). */
  summary: string;
}

const OOM = /\bbad_alloc\b|Failed to allocate|out of memory|\bOOM\b|Array buffer allocation failed|Cannot enlarge memory|memory allocation failed/i;

/** What went wrong, when `raw` is one of onnxruntime's messages; null when it is not. */
export function classifyOrtMessage(raw: string): OrtFailure | null {
  if (OOM.test(raw)) {
    return { kind: 'out-of-memory', summary: 'onnxruntime ran out of memory; try a smaller image, batch or tile size, fewer --threads, or close other programs' };
  }
  let m = /Got invalid dimensions for input: (\S+) for the following indices\s+index: (\d+) Got: (\d+) Expected: (\d+)/.exec(raw);
  if (m) {
    return { kind: 'input-shape', summary: `the model's input "${short(m[1])}" has size ${m[3]} in dimension ${m[2]}, but the model expects ${m[4]}; the image or latent does not fit this model` };
  }
  m = /Invalid rank for input: (\S+) Got: (\d+) Expected: (\d+)/.exec(raw);
  if (m) {
    return { kind: 'input-shape', summary: `the model's input "${short(m[1])}" has ${m[2]} dimensions, but the model expects ${m[3]}; the value does not fit this model` };
  }
  m = /Unexpected input data type\. Actual: \(tensor\((\w+)\)\) , expected: \(tensor\((\w+)\)\)/.exec(raw);
  if (m) {
    return { kind: 'input-type', summary: `the model was given ${m[1]} numbers where it expects ${m[2]}; this model's export does not fit the node` };
  }
  m = /input '([^']*)' is missing in 'feeds'|Missing Input: (\S+)|Invalid (?:Feed )?Input Name:\s*(\S+)/.exec(raw);
  if (m) {
    const name = m[1] ?? m[2];
    return name !== undefined
      ? { kind: 'missing-input', summary: `the model needs an input named "${short(name)}" that the node does not give it; the model does not fit the node` }
      : { kind: 'missing-input', summary: `the node gave the model an input named "${short(m[3])}" that it does not have; the model does not fit the node` };
  }
  m = /Non-zero status code returned while running (\w+) node\. Name:'([^']*)'/.exec(raw);
  if (m) {
    return { kind: 'model-failed', summary: `the model failed in its ${short(m[1])} operation ("${short(m[2])}"); the input may not fit the model, or the model file is damaged` };
  }
  if (/ONNXRuntimeError|onnxruntime|\.cc:\d+|OrtRun|ERROR_CODE/.test(raw)) {
    return { kind: 'model-failed', summary: 'onnxruntime could not run the model' };
  }
  return null;
}

function short(s: string): string {
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}
