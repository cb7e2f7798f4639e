// onnxruntime's real failures, from real sessions, put in words.
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { classifyOrtMessage } from './ortErrors.ts';

const upscaler = fileURLToPath(new URL('../../models/test/tiny-upscaler/model.onnx', import.meta.url));

async function failure(f: () => Promise<unknown>): Promise<unknown> {
  try {
    await f();
  } catch (e) {
    return e;
  }
  throw new Error('expected a failure');
}

describe('onnxruntime errors', () => {
  it('says what went wrong in real sessions\' failures', async () => {
    const session = await ort.InferenceSession.create(upscaler, { intraOpNumThreads: 1 });
    const input = session.inputNames[0];
    const cases: [string, () => Promise<unknown>, string, string][] = [
      ['input-shape', () => session.run({ [input]: new ort.Tensor('float32', new Float32Array(16), [1, 4, 2, 2]) }),
        `the model's input "input" has size 4 in dimension 1, but the model expects 3; the image or latent does not fit this model`, 'Got invalid dimensions'],
      ['input-shape', () => session.run({ [input]: new ort.Tensor('float32', new Float32Array(4), [2, 2]) }),
        `the model's input "input" has 2 dimensions, but the model expects 4; the value does not fit this model`, 'Invalid rank'],
      ['input-type', () => session.run({ [input]: new ort.Tensor('int32', new Int32Array(12), [1, 3, 2, 2]) }),
        `the model was given int32 numbers where it expects float; this model's export does not fit the node`, 'Unexpected input data type'],
      ['missing-input', () => session.run({}),
        `the model needs an input named "input" that the node does not give it; the model does not fit the node`, "is missing in 'feeds'"],
      // A billion threads cannot be allocated.
      ['out-of-memory', () => ort.InferenceSession.create(upscaler, { intraOpNumThreads: 1e9 }),
        `onnxruntime ran out of memory; try a smaller image, batch or tile size, fewer --threads, or close other programs`, 'bad_alloc'],
    ];
    for (const [kind, run, summary, raw] of cases) {
      const e = await failure(run);
      expect((e as Error).message).toContain(raw);
      expect(classifyOrtMessage((e as Error).message)).toEqual({ kind, summary });
    }
    await session.release();
  });

  it('recognises allocation failures and operator failures with build paths, and leaves other errors alone', () => {
    const arena = "Non-zero status code returned while running Conv node. Name:'/up/Conv' Status Message: /onnxruntime_src/onnxruntime/core/framework/bfc_arena.cc:376 void* onnxruntime::BFCArena::AllocateRawInternal(size_t, bool) Failed to allocate memory for requested buffer of size 8589934592";
    expect(classifyOrtMessage(arena)?.kind).toBe('out-of-memory');
    const op = "Non-zero status code returned while running Concat node. Name:'/Concat_3' Status Message: concat.cc:139 PrepareForCompute Non concat axis dimensions must match";
    expect(classifyOrtMessage(op)).toEqual({ kind: 'model-failed', summary: 'the model failed in its Concat operation ("/Concat_3"); the input may not fit the model, or the model file is damaged' });
    expect(classifyOrtMessage('param "image": choose an image file')).toBeNull();
    expect(classifyOrtMessage('unknown model "x"')).toBeNull();
  });
});
