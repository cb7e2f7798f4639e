// The browser runtime: onnxruntime-web in our own worker, WebGPU first, WASM when WebGPU is missing or fails.
import { WEB_MEMORY_BUDGET } from './memory.ts';
import { asOrtModule, OrtRuntime, type OrtModule } from './ort.ts';
import type { ModelStore } from './runtime.ts';

export type WebBackend = 'auto' | 'webgpu' | 'wasm';

type OrtWeb = typeof import('onnxruntime-web/wasm');

/** Threads need cross-origin isolation; without it onnxruntime-web quietly runs on one thread. */
export const webThreads = (): number => (self.crossOriginIsolated ? Math.max(1, Math.min(4, navigator.hardwareConcurrency)) : 1);

/**
 * onnxruntime-web's builds, fetched only when used. The WebGPU build's WASM is compiled for suspending
 * (asyncify): in Chromium its sessions take about twice as long to make and its model calls 1.5 to 5
 * times as long as the WASM-only build's (`npm run bench -- wasm-builds`), and its file is twice the
 * size, so the CPU backend always takes the WASM-only build. Threads are set before the build's first
 * session, when it reads them.
 */
const builds = new Map<string, Promise<OrtWeb>>();
function build(name: 'wasm' | 'webgpu', threads: number): Promise<OrtWeb> {
  let loaded = builds.get(name);
  if (!loaded) {
    loaded = (name === 'wasm' ? import('onnxruntime-web/wasm') : import('onnxruntime-web/webgpu')).then((ort) => {
      ort.env.wasm.numThreads = threads;
      return ort as OrtWeb;
    });
    builds.set(name, loaded);
  }
  return loaded;
}

/** onnxruntime-web's WASM-only build, for whatever runs models on the CPU (the model manager's checks too). */
export const wasmOrt = async (threads = webThreads()): Promise<OrtModule> => asOrtModule(await build('wasm', threads));

/**
 * `store` serves the models: in the app, the user's own (browser storage) first, then the bundled ones.
 * `threads`: onnxruntime-web's WASM threads, by default as many as the machine has, up to 4.
 */
export async function createWebRuntime(preference: WebBackend, store: ModelStore, threads = webThreads()): Promise<OrtRuntime> {
  const wasm = { backend: 'wasm', options: { executionProviders: ['wasm'] } };
  const gpu = preference === 'wasm' ? 'none' : await webGpuKind();
  // A software adapter (SwiftShader) runs models far slower than WASM: "auto" only takes real hardware.
  const runtime = gpu === 'hardware' || (gpu === 'software' && preference === 'webgpu')
    // The UNet's output stays on the GPU, so the step loop can keep latents there (src/runtime/device.ts).
    // A session WebGPU cannot take falls back to this build's own WASM: one runtime, one build.
    ? new OrtRuntime(asOrtModule(await build('webgpu', threads)), 'webgpu', store, { executionProviders: ['webgpu'], preferredOutputLocation: { out_sample: 'gpu-buffer' } }, wasm)
    : new OrtRuntime(await wasmOrt(threads), 'wasm', store, wasm.options);
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
