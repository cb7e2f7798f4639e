// The browser runtime: onnxruntime-web in our own worker, WebGPU first, WASM when WebGPU is missing or fails.
import * as ort from 'onnxruntime-web/webgpu';
import { CombinedModelStore } from './combinedStore.ts';
import { FetchModelStore } from './fetchStore.ts';
import { OpfsModelStore } from './opfsStore.ts';
import { OrtRuntime } from './ort.ts';

export type WebBackend = 'auto' | 'webgpu' | 'wasm';

export async function createWebRuntime(preference: WebBackend, modelsUrl = new URL('/models/', self.location.href).href): Promise<OrtRuntime> {
  // Threads need cross-origin isolation; without it onnxruntime-web quietly runs on one thread.
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency)) : 1;
  // The user's own models (browser storage) first, then the bundled ones.
  const store = new CombinedModelStore([new OpfsModelStore(), new FetchModelStore(modelsUrl)]);
  const wasm = { backend: 'wasm', options: { executionProviders: ['wasm'] } };
  if (preference !== 'wasm' && (await hasWebGpu())) {
    return new OrtRuntime(ort as never, 'webgpu', store, { executionProviders: ['webgpu'] }, wasm);
  }
  return new OrtRuntime(ort as never, 'wasm', store, wasm.options);
}

async function hasWebGpu(): Promise<boolean> {
  const gpu = (navigator as Navigator & { gpu?: { requestAdapter(): Promise<unknown> } }).gpu;
  if (!gpu) return false;
  try {
    return (await gpu.requestAdapter()) !== null;
  } catch {
    return false;
  }
}
