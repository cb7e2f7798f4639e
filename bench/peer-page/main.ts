// The browser half of `npm run bench -- peer`: UpscalerJS on TF.js WASM against our Upscale node on
// onnxruntime-web WASM, the same image, the same weights, run alternately in one page. Driven by run.ts.
import * as tf from '@tensorflow/tfjs';
import { setThreadsCount, setWasmPaths } from '@tensorflow/tfjs-backend-wasm';
import Upscaler from 'upscaler';
import slim from '@upscalerjs/esrgan-slim/4x';
import medium from '@upscalerjs/esrgan-medium/4x';
import thick from '@upscalerjs/esrgan-thick/4x';
import { image, type ImageValue } from '../../src/image/value.ts';
import { FetchModelStore } from '../../src/runtime/fetchStore.ts';
import { createWebRuntime } from '../../src/runtime/web.ts';
import upscaleNode from '../../nodes/image/upscale.ts';
import loadUpscaler from '../../nodes/model/loadUpscaler.ts';

const DEFS = { slim, medium, thick } as Record<string, object>;

export interface PageResult { peerMs: number[]; oursMs: number[]; maxDiff: number; meanDiff: number; tiles: number; tfBackend: string; tfThreads: number; ortBackend: string; ortThreads: number; isolated: boolean }

async function run(size: string, side: number, pixels: number[], times: number, threadsAsked = 0): Promise<PageResult> {
  const threads = threadsAsked || (self.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency)) : 1);
  setWasmPaths('/tfjs/');
  setThreadsCount(threads); // as many as onnxruntime-web gets (src/runtime/web.ts)
  await tf.setBackend('wasm');
  await tf.ready();
  const upscaler = new Upscaler({ model: { ...DEFS[size], path: `/upscalerjs/${size}/model.json` } as never });
  await upscaler.getModel();
  const input = tf.tensor3d(Float32Array.from(pixels, (v) => v * 255), [side, side, 3]);
  let theirs: Float32Array | undefined;
  const peer = async () => {
    const out = (await upscaler.upscale(input, { output: 'tensor' })) as tf.Tensor3D;
    theirs = (await out.data()) as Float32Array;
    out.dispose();
  };

  const runtime = await createWebRuntime('wasm', new FetchModelStore(new URL('/models/', location.href).href), threads);
  const ctx = { nodeId: 'bench', runtime, signal: new AbortController().signal, progress: () => {}, memo: { get: () => undefined, set: () => {} } };
  const { upscaler: handle } = (await loadUpscaler.run({ inputs: {}, params: { model: `esrgan-${size}-x4` }, ctx } as never)) as { upscaler: unknown };
  const img = image(side, side, 3, Float32Array.from(pixels));
  let ours: ImageValue | undefined;
  let tiles = 0;
  const node = async () => {
    const c = { ...ctx, progress: (_: number, total: number) => { tiles = total; } };
    ours = ((await upscaleNode.run({ inputs: { image: img, upscaler: handle }, params: { tile: 0, overlap: 32, alpha: 'bicubic' }, ctx: c } as never)) as { image: ImageValue }).image;
  };
  await peer(); // warm-up
  await node();
  const [peerMs, oursMs]: number[][] = [[], []];
  for (let i = 0; i < times; i++) {
    for (const [fn, into] of [[peer, peerMs], [node, oursMs]] as const) {
      const t0 = performance.now();
      await fn();
      into.push(performance.now() - t0);
    }
  }
  let [max, sum] = [0, 0];
  for (let i = 0; i < theirs!.length; i++) {
    const d = Math.abs(theirs![i] / 255 - ours!.data[i]);
    max = Math.max(max, d);
    sum += d;
  }
  upscaler.dispose();
  input.dispose();
  return { peerMs, oursMs, maxDiff: max * 255, meanDiff: (sum / theirs!.length) * 255, tiles, tfBackend: tf.getBackend(), tfThreads: threads, ortBackend: runtime.backend, ortThreads: threads, isolated: self.crossOriginIsolated };
}

// TF.js's threaded WASM workers load this bundle too (it holds the Emscripten module): no page work there.
if (typeof document !== 'undefined') {
  (window as unknown as { peerBench: typeof run }).peerBench = run;
  document.title = 'ready';
}
