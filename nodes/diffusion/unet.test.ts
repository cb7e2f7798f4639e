// predict() with a stand-in UNet: how cond and uncond are batched, and the extra inputs of inpainting UNets.
import { describe, expect, it } from 'vitest';
import type { ModelInfo, Runtime } from '../../src/runtime/runtime.ts';
import type { Tensor } from '../../src/runtime/tensor.ts';
import { predict, type Unet } from './unet.ts';

/** out_sample[b, i] = sample[b, i] + (mean of row b's conditioning); records every call's shapes. */
function fakeRuntime() {
  const calls: { sample: number[]; context: number[] }[] = [];
  const runtime = {
    async run(_info: ModelInfo, feeds: Record<string, Tensor>) {
      const { sample, encoder_hidden_states: ctx } = feeds;
      calls.push({ sample: sample.dims, context: ctx.dims });
      const [b] = sample.dims;
      const per = (sample.data as Float32Array).length / b;
      const ctxPer = (ctx.data as Float32Array).length / b;
      const out = new Float32Array(b * 4 * sample.dims[2] * sample.dims[3]);
      const outPer = out.length / b;
      for (let n = 0; n < b; n++) {
        const row = (ctx.data as Float32Array).subarray(n * ctxPer, (n + 1) * ctxPer);
        const mean = row.reduce((s, v) => s + v, 0) / row.length;
        for (let i = 0; i < outPer; i++) out[n * outPer + i] = (sample.data as Float32Array)[n * per + i] + mean;
      }
      return { out_sample: { dtype: 'float32', dims: [b, 4, sample.dims[2], sample.dims[3]], data: out } as Tensor };
    },
  } as unknown as Runtime;
  return { runtime, calls };
}

const unet = (inpainting = false): Unet => ({ info: {} as ModelInfo, sampleDtype: 'float32', timestep: { dtype: 'int64', rank: 1 }, inpainting });
const cond = (tokens: number, value: number): Tensor => ({ dtype: 'float32', dims: [1, tokens, 2], data: new Float32Array(tokens * 2).fill(value) });
const signal = new AbortController().signal;

describe('predict', () => {
  const sample = Float32Array.from({ length: 4 * 2 * 2 }, (_, i) => i / 10);
  const dims = [1, 4, 2, 2];

  it('batches uncond and cond in one run when their lengths match', async () => {
    const { runtime, calls } = fakeRuntime();
    const out = await predict(runtime, unet(), sample, dims, 500, { positive: cond(77, 1), negative: cond(77, 0), cfg: 3 }, signal);
    expect(calls).toEqual([{ sample: [2, 4, 2, 2], context: [2, 77, 2] }]);
    expect(out[5]).toBeCloseTo(sample[5] + 3, 6); // uncond + 3 x (cond - uncond), cond - uncond = 1
  });

  it('runs them one after the other when the prompts have different lengths (chunks), with the same guidance', async () => {
    const { runtime, calls } = fakeRuntime();
    const out = await predict(runtime, unet(), sample, dims, 500, { positive: cond(154, 1), negative: cond(77, 0), cfg: 3 }, signal);
    expect(calls).toEqual([{ sample: [1, 4, 2, 2], context: [1, 77, 2] }, { sample: [1, 4, 2, 2], context: [1, 154, 2] }]);
    expect(out[5]).toBeCloseTo(sample[5] + 3, 6);
  });

  it('an inpainting UNet gets the extra channels after the latent, for both halves', async () => {
    const { runtime, calls } = fakeRuntime();
    const extra = new Float32Array(5 * 4).fill(7);
    await predict(runtime, unet(true), sample, dims, 500, { positive: cond(77, 1), negative: cond(77, 0), cfg: 3, inpaint: extra }, signal);
    expect(calls[0].sample).toEqual([2, 9, 2, 2]);
    await expect(predict(runtime, unet(true), sample, dims, 500, { positive: cond(77, 1), cfg: 1 }, signal)).rejects.toThrow(/inpainting UNet/);
  });
});
