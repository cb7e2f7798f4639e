// Test helper: writes a minimal ONNX model (Identity ops) with any input/output signature, so tests can
// make files with wrong dtypes or names without Python. Protobuf by hand: only the fields ORT needs.
const TYPES: Record<string, number> = { float32: 1, uint8: 2, int8: 3, int32: 6, int64: 7, float16: 10 };

export interface FakeIo { name: string; dtype: string; shape: (number | string)[] }

/**
 * Each output is an Identity of the input with the same index; extra inputs go unused. With `external`,
 * the first output is input + w instead, w a float32 [1] weight kept in that external data file.
 */
export function fakeOnnx(inputs: FakeIo[], outputs: FakeIo[], external?: string): Uint8Array {
  const nodes = outputs.map((o, i) => (i === 0 && external
    ? msg([str(1, inputs[0].name), str(1, 'w'), str(2, o.name), str(3, 'add'), str(4, 'Add')])
    : msg([str(1, inputs[i].name), str(2, o.name), str(3, `n${i}`), str(4, 'Identity')])));
  const entry = (k: string, v: string) => bytes(13, msg([str(1, k), str(2, v)]));
  const weight = external
    ? [bytes(5, msg([varintField(1, 1), varintField(2, 1), str(8, 'w'), entry('location', external), entry('offset', '0'), entry('length', '4'), varintField(14, 1)]))]
    : [];
  const graph = msg([...nodes.map((n) => bytes(1, n)), str(2, 'g'), ...weight, ...inputs.map((v) => bytes(11, valueInfo(v))), ...outputs.map((v) => bytes(12, valueInfo(v)))]);
  return msg([varintField(1, 8), bytes(8, msg([str(1, ''), varintField(2, 17)])), bytes(7, graph)]);
}

/** The external data file for `fakeOnnx(..., external)`: w = 0.5. */
export const fakeWeights = (): Uint8Array => new Uint8Array(Float32Array.of(0.5).buffer);

function valueInfo(v: FakeIo): Uint8Array {
  const dims = v.shape.map((d) => bytes(1, msg([typeof d === 'number' ? varintField(1, d) : str(2, d)])));
  const tensor = msg([varintField(1, TYPES[v.dtype]), bytes(2, msg(dims))]);
  return msg([str(1, v.name), bytes(2, msg([bytes(1, tensor)]))]);
}

function varint(n: number): number[] {
  const out: number[] = [];
  while (n > 127) { out.push((n & 127) | 128); n = Math.floor(n / 128); }
  out.push(n);
  return out;
}
const varintField = (field: number, n: number) => Uint8Array.from([...varint(field * 8), ...varint(n)]);
const bytes = (field: number, data: Uint8Array) => Uint8Array.from([...varint(field * 8 + 2), ...varint(data.length), ...data]);
const str = (field: number, s: string) => bytes(field, new TextEncoder().encode(s));
function msg(parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}

/**
 * A tiny image model ([1,3,h,w] -> [1,3,h*k,w*k]) whose output is ConstantOfShape(Shape(x) * [1,1,k,k]):
 * a few hundred bytes of file that make onnxruntime allocate 12 * h * w * k^2 bytes when run. With
 * `declared`, the output's declared shape is fixed to it (e.g. absurdly large) instead of symbolic.
 */
export function inflatingOnnx(k: number, declared?: number[]): Uint8Array {
  const node = (inputs: string[], output: string, name: string, op: string) =>
    msg([...inputs.map((i) => str(1, i)), str(2, output), str(3, name), str(4, op)]);
  const int64s = Uint8Array.from([1, 1, k, k].flatMap(varint));
  const factor = msg([varintField(1, 4), varintField(2, TYPES.int64), bytes(7, int64s), str(8, 'k')]);
  const graph = msg([
    bytes(1, node(['x'], 's', 'shape', 'Shape')),
    bytes(1, node(['s', 'k'], 't', 'mul', 'Mul')),
    bytes(1, node(['t'], 'y', 'fill', 'ConstantOfShape')),
    str(2, 'g'),
    bytes(5, factor),
    bytes(11, valueInfo({ name: 'x', dtype: 'float32', shape: [1, 3, 'h', 'w'] })),
    bytes(12, valueInfo({ name: 'y', dtype: 'float32', shape: declared ?? [1, 3, 'H', 'W'] })),
  ]);
  return msg([varintField(1, 8), bytes(8, msg([str(1, ''), varintField(2, 17)])), bytes(7, graph)]);
}
