// Plain tensors that cross the worker boundary as Transferables.

export type DType = 'float32' | 'float16' | 'int32' | 'int64' | 'uint8' | 'bool';

export type TensorData = Float32Array | Int32Array | BigInt64Array | Uint8Array | Uint16Array;

export interface Tensor {
  dtype: DType;
  dims: number[];
  data: TensorData;
}

/** Bytes held by any value on a wire: typed arrays found in it, counted once each. */
export function byteSize(value: unknown, seen = new Set<unknown>()): number {
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return value.byteLength;
  if (value instanceof ArrayBuffer) return value.byteLength;
  let total = 0;
  for (const v of Array.isArray(value) ? value : Object.values(value)) total += byteSize(v, seen);
  return total;
}

/** The ArrayBuffers inside a value, for postMessage transfer lists. */
export function transferables(value: unknown, out: Set<ArrayBuffer> = new Set()): ArrayBuffer[] {
  if (value !== null && typeof value === 'object') {
    if (ArrayBuffer.isView(value)) {
      if (value.buffer instanceof ArrayBuffer) out.add(value.buffer);
    } else {
      for (const v of Array.isArray(value) ? value : Object.values(value)) transferables(v, out);
    }
  }
  return [...out];
}

/** A deep copy whose typed arrays own fresh buffers, so they can be transferred away safely. */
export function detachedCopy<T>(value: T): T {
  if (value === null || typeof value !== 'object') return value;
  if (ArrayBuffer.isView(value)) return (value as unknown as { slice(): unknown }).slice() as T;
  if (Array.isArray(value)) return value.map(detachedCopy) as T;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) out[k] = detachedCopy(v);
  return out as T;
}
