import { describe, expect, it } from 'vitest';
import { TorchGenerator, seedLow32, torchRandn } from './torchRandom.ts';
import fixture from './fixtures/torch_randn.json';

interface Call {
  shape: number[]; n: number; hash: number; sum: number;
  values?: number[]; head?: number[]; tail?: number[]; every499?: number[];
}
interface Case { seed: string; calls?: Call[]; error?: string }

function fnv1a(a: Float32Array): number {
  const words = new Uint32Array(a.buffer, a.byteOffset, a.length);
  let h = 0x811c9dc5;
  for (const w of words) h = Math.imul(h ^ w, 16777619) >>> 0;
  return h;
}

function checkCall(got: Float32Array, want: Call): void {
  expect(got.length).toBe(want.n);
  if (want.values) expect(Array.from(got)).toEqual(want.values);
  if (want.head) expect(Array.from(got.slice(0, 64))).toEqual(want.head);
  if (want.tail) expect(Array.from(got.slice(-64))).toEqual(want.tail);
  if (want.every499) expect(Array.from(got.filter((_, i) => i % 499 === 0))).toEqual(want.every499);
  expect(fnv1a(got)).toBe(want.hash);
}

const cases = fixture.cases as Case[];

describe('TorchGenerator.randn matches torch.randn on CPU bit for bit', () => {
  it('was given a fixture without torch errors', () => {
    expect(cases.filter((c) => c.error)).toEqual([]);
  });

  for (const c of cases.filter((c) => c.calls?.length === 1)) {
    const call = c.calls![0];
    it(`seed ${c.seed}, shape [${call.shape.join(',')}]`, () => {
      checkCall(new TorchGenerator(BigInt(c.seed)).randn(call.shape), call);
    });
  }

  for (const c of cases.filter((c) => (c.calls?.length ?? 0) > 1)) {
    const shapes = c.calls!.map((k) => `[${k.shape.join(',')}]`).join(' then ');
    it(`seed ${c.seed}: successive calls ${shapes} continue the stream`, () => {
      const g = new TorchGenerator(BigInt(c.seed));
      for (const call of c.calls!) checkCall(g.randn(call.shape), call);
    });
  }
});

describe('TorchGenerator API', () => {
  it('accepts number and bigint seeds alike and keeps the low 32 bits like torch', () => {
    expect(seedLow32(2 ** 32 + 5)).toBe(5);
    expect(seedLow32(-1)).toBe(0xffffffff);
    expect(seedLow32(2n ** 64n - 1n)).toBe(0xffffffff);
    expect(torchRandn(2 ** 32 + 5, [20])).toEqual(torchRandn(5n, [20]));
    expect(() => new TorchGenerator(0.5)).toThrow();
  });

  it('resumes from a saved state, including a cached Box-Muller value', () => {
    const g = new TorchGenerator(42);
    g.randn([5]); // leaves the second value of a pair cached
    const saved = JSON.parse(JSON.stringify(g.getState())) as ReturnType<TorchGenerator['getState']>;
    const expected = [g.randn([3]), g.randn([40])];
    const resumed = TorchGenerator.fromState(saved);
    expect([resumed.randn([3]), resumed.randn([40])]).toEqual(expected);
  });

  it('returns an empty array for an empty shape dimension', () => {
    expect(torchRandn(0, [0, 4]).length).toBe(0);
  });
});
