// torch.randn on CPU, value for value: `g = torch.Generator().manual_seed(seed); torch.randn(shape, generator=g)`.
//
// PyTorch's CPU generator is mt19937 seeded with the low 32 bits of the seed. randn then takes
// one of two paths (ATen/native/cpu/DistributionTemplates.h, normal_kernel):
// - fewer than 16 elements: double-precision Box-Muller per element from 53-bit uniforms, the
//   second value of each pair cached in the generator for the next element (or the next call);
// - 16 or more: fill with 24-bit float uniforms, then Box-Muller in blocks of 16 (u1 from the first
//   8, u2 from the next 8); a ragged tail redraws 16 fresh uniforms for the last 16 elements.
//   On x86 with AVX2 (PyTorch's default build) that block uses the float32 Cephes polynomials of
//   avx_mathfun.h, reproduced below in float32 arithmetic. Builds without AVX2 (e.g. ARM) use
//   libm's float log/cos/sin there, so their values can differ from these in the last bit.
const f = Math.fround;

const N = 624;
const M = 397;

function mt19937Init(seed: number): Uint32Array {
  const s = new Uint32Array(N);
  s[0] = seed >>> 0;
  for (let j = 1; j < N; j++) {
    const prev = s[j - 1] ^ (s[j - 1] >>> 30);
    s[j] = (Math.imul(1812433253, prev) + j) >>> 0;
  }
  return s;
}

function twist(s: Uint32Array): void {
  for (let i = 0; i < N; i++) {
    const y = (s[i] & 0x80000000) | (s[(i + 1) % N] & 0x7fffffff);
    s[i] = s[(i + M) % N] ^ (y >>> 1) ^ (y & 1 ? 0x9908b0df : 0);
  }
}

/** Low 32 bits of a seed as torch takes it (negative seeds wrap like uint64). */
export function seedLow32(seed: number | bigint): number {
  if (typeof seed === 'bigint') return Number(BigInt.asUintN(32, seed));
  if (!Number.isSafeInteger(seed)) throw new Error(`seed must be a safe integer or a bigint, got ${seed}`);
  return Number(BigInt.asUintN(32, BigInt(seed)));
}

/** Plain-data snapshot of a generator, to save and resume a noise stream. */
export interface TorchGeneratorState { mt: number[]; index: number; nextDoubleNormal: number | null }

export class TorchGenerator {
  private mt: Uint32Array;
  private index = N;
  private nextDoubleNormal: number | null = null;

  constructor(seed: number | bigint) {
    this.mt = mt19937Init(seedLow32(seed));
  }

  /** Next raw 32-bit output of mt19937 (torch's generator->random()). */
  random(): number {
    if (this.index >= N) {
      twist(this.mt);
      this.index = 0;
    }
    let y = this.mt[this.index++];
    y ^= y >>> 11;
    y ^= (y << 7) & 0x9d2c5680;
    y ^= (y << 15) & 0xefc60000;
    y ^= y >>> 18;
    return y >>> 0;
  }

  /** uniform_real_distribution<float>(0, 1): 24 random bits. */
  uniformFloat(): number {
    return (this.random() & 0xffffff) / 16777216;
  }

  /** uniform_real_distribution<double>(0, 1): 53 bits of random64() = (first << 32) | second. */
  uniformDouble(): number {
    const hi = this.random();
    const lo = this.random();
    return ((hi & 0x1fffff) * 4294967296 + lo) / 9007199254740992;
  }

  /** torch.randn(shape, generator=this) as float32, advancing the stream like torch. */
  randn(shape: number[]): Float32Array {
    const size = shape.reduce((a, b) => a * b, 1);
    if (!Number.isInteger(size) || size < 0) throw new Error(`bad shape [${shape.join(', ')}]`);
    const out = new Float32Array(size);
    if (size >= 16) this.normalFill(out);
    else for (let i = 0; i < size; i++) out[i] = this.normalDouble();
    return out;
  }

  getState(): TorchGeneratorState {
    return { mt: Array.from(this.mt), index: this.index, nextDoubleNormal: this.nextDoubleNormal };
  }

  static fromState(state: TorchGeneratorState): TorchGenerator {
    const g = new TorchGenerator(0);
    g.mt = Uint32Array.from(state.mt);
    g.index = state.index;
    g.nextDoubleNormal = state.nextDoubleNormal;
    return g;
  }

  private normalDouble(): number {
    if (this.nextDoubleNormal !== null) {
      const cached = this.nextDoubleNormal;
      this.nextDoubleNormal = null;
      return cached;
    }
    const u1 = this.uniformDouble();
    const u2 = this.uniformDouble();
    const r = Math.sqrt(-2 * Math.log1p(-u2));
    const theta = 2 * Math.PI * u1;
    this.nextDoubleNormal = r * Math.sin(theta);
    return r * Math.cos(theta);
  }

  private normalFill(data: Float32Array): void {
    const size = data.length;
    for (let i = 0; i < size; i++) data[i] = this.uniformFloat();
    for (let i = 0; i + 16 <= size; i += 16) boxMuller16(data, i);
    if (size % 16 !== 0) {
      const start = size - 16;
      for (let i = 0; i < 16; i++) data[start + i] = this.uniformFloat();
      boxMuller16(data, start);
    }
  }
}

export function torchRandn(seed: number | bigint, shape: number[]): Float32Array {
  return new TorchGenerator(seed).randn(shape);
}

const TWO_PI = f(2 * Math.PI);

function boxMuller16(data: Float32Array, at: number): void {
  for (let j = 0; j < 8; j++) {
    const u1 = f(1 - data[at + j]);
    const u2 = data[at + j + 8];
    const radius = f(Math.sqrt(f(-2 * logf(u1))));
    const [s, c] = sincosf(f(TWO_PI * u2));
    data[at + j] = f(radius * c);
    data[at + j + 8] = f(radius * s);
  }
}

// avx_mathfun.h constants, as float32.
const SQRTHF = f(0.707106781186547524);
const LOG_P = [7.0376836292e-2, -1.1514610310e-1, 1.1676998740e-1, -1.2420140846e-1, 1.4249322787e-1,
  -1.6668057665e-1, 2.0000714765e-1, -2.4999993993e-1, 3.3333331174e-1].map(f);
const LOG_Q1 = f(-2.12194440e-4);
const LOG_Q2 = f(0.693359375);
const DP1 = f(-0.78515625);
const DP2 = f(-2.4187564849853515625e-4);
const DP3 = f(-3.77489497744594108e-8);
const SIN_P = [-1.9515295891e-4, 8.3321608736e-3, -1.6666654611e-1].map(f);
const COS_P = [2.443315711809948e-005, -1.388731625493765e-003, 4.166664568298827e-002].map(f);
const FOPI = f(1.27323954473516);

const bits = new DataView(new ArrayBuffer(4));

// GCC builds these with -mfma and contracts every multiply feeding an add into one fused op;
// fma32 reproduces those single roundings (the values matched torch only with them).
function fma32(a: number, b: number, c: number): number {
  const p = a * b; // exact: two 24-bit significands
  const s = p + c;
  const r = f(s);
  const other = 2 * s - r;
  if (other === r || f(other) !== other) return r;
  // s sits exactly between two floats: round by the sign of what the double sum dropped.
  const bb = s - p;
  const err = (p - (s - bb)) + (c - bb);
  if (err === 0) return r;
  return err > 0 ? Math.max(r, other) : Math.min(r, other);
}

/** log256_ps for one lane; x in (0, 1]. */
export function logf(x: number): number {
  bits.setFloat32(0, Math.max(x, 1.1754943508222875e-38));
  const raw = bits.getUint32(0);
  bits.setUint32(0, (raw & ~0x7f800000) | 0x3f000000);
  let m = bits.getFloat32(0);
  let e = f(((raw >>> 23) - 127) + 1);
  const small = m < SQRTHF;
  const tmp = small ? m : 0;
  m = f(m - 1);
  if (small) e = f(e - 1);
  m = f(m + tmp);
  const z = f(m * m);
  let y = LOG_P[0];
  for (let k = 1; k < LOG_P.length; k++) y = fma32(y, m, LOG_P[k]);
  y = f(y * m);
  y = fma32(y, z, f(e * LOG_Q1));
  y = fma32(-z, 0.5, y);
  return fma32(e, LOG_Q2, f(m + y));
}

/** sincos256_ps for one lane; x >= 0 (Box-Muller angles). Returns [sin, cos]. */
export function sincosf(x: number): [number, number] {
  const j = (Math.trunc(f(x * FOPI)) + 1) & ~1;
  const sinFlip = (j & 4) !== 0;
  const polyIsSin = (j & 2) === 0;
  const cosFlip = (~(j - 2) & 4) !== 0;
  // Extended-precision reduction: x - j * pi/4 in three parts.
  let r = fma32(j, DP1, x);
  r = fma32(j, DP2, r);
  r = fma32(j, DP3, r);
  const z = f(r * r);
  let c = fma32(COS_P[0], z, COS_P[1]);
  c = fma32(c, z, COS_P[2]);
  c = f(c * z);
  c = fma32(c, z, -f(z * 0.5));
  c = f(c + 1);
  let s = fma32(SIN_P[0], z, SIN_P[1]);
  s = fma32(s, z, SIN_P[2]);
  s = f(s * z);
  s = fma32(s, r, r);
  let sin = polyIsSin ? s : c;
  let cos = polyIsSin ? c : s;
  if (sinFlip) sin = -sin;
  if (cosFlip) cos = -cos;
  return [sin, cos];
}
