// float32 <-> float16 (IEEE half, as Uint16Array) for models exported in fp16.
import type { Tensor } from './tensor.ts';

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

export function toHalf(value: number): number {
  f32[0] = value;
  const x = u32[0];
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  let mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant ? 0x200 : 0); // inf / nan
  let e = exp - 127 + 15;
  if (e >= 0x1f) return sign | 0x7c00; // overflow to inf
  if (e <= 0) {
    if (e < -10) return sign; // too small: signed zero
    mant |= 0x800000;
    const shift = 14 - e;
    let half = mant >>> shift;
    if ((mant >>> (shift - 1)) & 1 && ((mant & ((1 << (shift - 1)) - 1)) || half & 1)) half++; // round half to even
    return sign | half;
  }
  let half = sign | (e << 10) | (mant >>> 13);
  if ((mant & 0x1000) && ((mant & 0xfff) || (half & 1))) half++; // round half to even; may carry into the exponent
  return half;
}

export function fromHalf(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >>> 10) & 0x1f;
  const mant = h & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) return mant ? NaN : sign * Infinity;
  return sign * (1 + mant / 1024) * 2 ** (exp - 15);
}

/** A float tensor in the dtype a model input wants (float32 or float16). */
export function asFloat(t: Tensor, dtype: string): Tensor {
  if (t.dtype === dtype) return t;
  if (dtype === 'float16' && t.dtype === 'float32') {
    const src = t.data as Float32Array;
    const out = new Uint16Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = toHalf(src[i]);
    return { dtype: 'float16', dims: t.dims, data: out };
  }
  if (dtype === 'float32' && t.dtype === 'float16') {
    const src = t.data as Uint16Array;
    const out = new Float32Array(src.length);
    for (let i = 0; i < src.length; i++) out[i] = fromHalf(src[i]);
    return { dtype: 'float32', dims: t.dims, data: out };
  }
  throw new Error(`cannot convert a ${t.dtype} tensor to ${dtype}`);
}
