// The browser runtime: onnxruntime-web in our own worker, WebGPU first, WASM when WebGPU is missing or fails.
import * as ort from 'onnxruntime-web/webgpu';
import { WEB_MEMORY_BUDGET } from './memory.ts';
import { asOrtModule, OrtRuntime } from './ort.ts';
import type { ModelStore } from './runtime.ts';

export type WebBackend = 'auto' | 'webgpu' | 'wasm';

/** `store` serves the models: in the app, the user's own (browser storage) first, then the bundled ones. */
export async function createWebRuntime(preference: WebBackend, store: ModelStore): Promise<OrtRuntime> {
  // Threads need cross-origin isolation; without it onnxruntime-web quietly runs on one thread.
  ort.env.wasm.numThreads = self.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency)) : 1;
  const wasm = { backend: 'wasm', options: { executionProviders: ['wasm'] } };
  const gpu = preference === 'wasm' ? 'none' : await webGpuKind();
  // A software adapter (SwiftShader) runs models far slower than WASM: "auto" only takes real hardware.
  const runtime = gpu === 'hardware' || (gpu === 'software' && preference === 'webgpu')
    // The UNet's output stays on the GPU, so the step loop can keep latents there (src/runtime/device.ts).
    ? new OrtRuntime(asOrtModule(ort), 'webgpu', store, { executionProviders: ['webgpu'], preferredOutputLocation: { out_sample: 'gpu-buffer' } }, wasm)
    : new OrtRuntime(asOrtModule(ort), 'wasm', store, wasm.options);
  runtime.memoryBudget = WEB_MEMORY_BUDGET[runtime.backend] ?? WEB_MEMORY_BUDGET.wasm;
  return runtime;
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
