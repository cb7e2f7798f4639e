// IMAGE (NHWC, [0, 1]) to and from model tensors (NCHW, the model's range), on hand-worked 2x1 images.
import { describe, expect, it } from 'vitest';
import type { Tensor } from '../runtime/tensor.ts';
import { image } from './value.ts';
import { fromNCHW, toNCHW, withNCHW } from './convert.ts';

const values = (t: Tensor) => Array.from(t.data as Float32Array);

describe('image <-> NCHW tensor', () => {
  it('splits RGB pixels into planes and maps [0, 1] onto the range', () => {
    const img = image(2, 1, 3, new Float32Array([0, 0.25, 0.5, 1, 0.75, 0.125]));
    expect(values(toNCHW(img))).toEqual([0, 1, 0.25, 0.75, 0.5, 0.125]);
    const t = toNCHW(img, 0, [-1, 1]);
    expect(t.dims).toEqual([1, 3, 1, 2]);
    expect(values(t)).toEqual([-1, 1, -0.5, 0.5, 0, -0.75]);
  });

  it('repeats grey into three planes, drops alpha, and picks one batch item', () => {
    expect(values(toNCHW(image(2, 1, 1, new Float32Array([0.5, 1]))))).toEqual([0.5, 1, 0.5, 1, 0.5, 1]);
    const rgba = image(2, 1, 4, new Float32Array([0.1, 0.2, 0.3, 0.9, 0.4, 0.5, 0.6, 0.8]));
    expect(values(toNCHW(rgba))).toEqual(Array.from(new Float32Array([0.1, 0.4, 0.2, 0.5, 0.3, 0.6])));
    const batch = image(2, 1, 3, new Float32Array([0, 0, 0, 0, 0, 0, 1, 0.5, 0, 0, 0.5, 1]), 2);
    expect(values(toNCHW(batch, 1))).toEqual([1, 0, 0.5, 0.5, 0, 1]);
  });

  it('interleaves planes back into pixels for every batch item, clamped to [0, 1]', () => {
    const t = { dtype: 'float32' as const, dims: [2, 3, 1, 2], data: new Float32Array([-1, 1, 0, 3, -3, 0.5, 1, -1, 0, 0, 0, 0]) };
    const img = fromNCHW(t, [-1, 1]);
    expect([img.batch, img.width, img.height, img.channels]).toEqual([2, 2, 1, 3]);
    expect(Array.from(img.data)).toEqual([0, 0.5, 0, 1, 1, 0.75, 1, 0.5, 0.5, 0, 0.5, 0.5]);
  });

  it('refuses a tensor that is not [B, 3, H, W]', () => {
    expect(() => fromNCHW({ dtype: 'float32', dims: [1, 4, 1, 1], data: new Float32Array(4) })).toThrow(/expected an image tensor \[B, 3, H, W\], got \[1, 4, 1, 1\]/);
  });

  it('turns a spent output tensor into the image in its own buffer, with the same pixels as a copy', () => {
    const data = new Float32Array([-1, 1, 0, 3, -3, 0.5, 1, -1, 0, 0, 0, 0]);
    const copy = fromNCHW({ dtype: 'float32', dims: [2, 3, 1, 2], data: data.slice() }, [-1, 1]);
    const reused = fromNCHW({ dtype: 'float32', dims: [2, 3, 1, 2], data }, [-1, 1], true);
    expect(reused.data).toBe(data);
    expect(Array.from(reused.data)).toEqual(Array.from(copy.data));
  });

  it('lends input tensors from a pool: the buffer comes back for the next run of that size', async () => {
    const img = image(2, 1, 3, new Float32Array([0, 0.25, 0.5, 1, 0.75, 0.125]));
    let first: Float32Array | undefined;
    const values1 = await withNCHW(img, 0, [0, 1], async (t) => { first = t.data as Float32Array; return values(t); });
    expect(values1).toEqual([0, 1, 0.25, 0.75, 0.5, 0.125]);
    // A run still holding its buffer gets another; once both are back, the next run reuses one of them.
    const [a, b] = await Promise.all([0, 1].map(() => withNCHW(img, 0, [-1, 1], async (t) => { await Promise.resolve(); return t.data; })));
    expect(a).not.toBe(b);
    expect([a, b]).toContain(first);
    expect(await withNCHW(img, 0, [-1, 1], async (t) => values(t))).toEqual([-1, 1, -0.5, 0.5, 0, -0.75]);
  });

  it('refuses a buffer of the wrong size', () => {
    expect(() => toNCHW(image(2, 1, 3), 0, [0, 1], new Float32Array(5))).toThrow(/\[1, 3, 1, 2\] tensor needs 6 values, the buffer has 5/);
  });
});
