// The browser runtime: onnxruntime-web in our own worker, WebGPU first, WASM when WebGPU is missing or fails.
import * as ort from 'onnxruntime-web/webgpu';
import { CombinedModelStore } from './combinedStore.ts';
import { FetchModelStore } from './fetchStore.ts';
import { OpfsModelStore } from './opfsStore.ts';
import { OrtRuntime } from './ort.ts';
import type { ModelStore } from './runtime.ts';

export type WebBackend = 'auto' | 'webgpu' | 'wasm';

/** The user's own models (browser storage) first, then the bundled ones served beside the app. */
export function browserModelStore(modelsUrl = new URL('/models/', self.location.href).href): ModelStore {
  return new CombinedModelStore([new OpfsModelStore(), new FetchModelStore(modelsUrl)]);
}

export async function createWebRuntime(preference: WebBackend, store: ModelStore = browserModelStore()): Promise<OrtRuntime> {
  // Threads need cross-origin isolation; without it onnxruntime-web quietly runs on one thread.
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency)) : 1;
  const wasm = { backend: 'wasm', options: { executionProviders: ['wasm'] } };
  const gpu = preference === 'wasm' ? 'none' : await webGpuKind();
  // A software adapter (SwiftShader) runs models far slower than WASM: "auto" only takes real hardware.
  if (gpu === 'hardware' || (gpu === 'software' && preference === 'webgpu')) {
    return new OrtRuntime(ort as never, 'webgpu', store, { executionProviders: ['webgpu'] }, wasm);
  }
  return new OrtRuntime(ort as never, 'wasm', store, wasm.options);
}

interface Adapter { isFallbackAdapter?: boolean; info?: { architecture?: string; isFallbackAdapter?: boolean } }

async function webGpuKind(): Promise<'hardware' | 'software' | 'none'> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<Adapter | null> } }).gpu;
  if (!gpu) return 'none';
  try {
    const adapter = await gpu.requestAdapter();
    if (!adapter) return 'none';
    const software = adapter.isFallbackAdapter || adapter.info?.isFallbackAdapter || adapter.info?.architecture === 'swiftshader';
    return software ? 'software' : 'hardware';
  } catch {
    return 'none';
  }
}
