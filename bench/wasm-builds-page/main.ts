// The browser half of `npm run bench -- wasm-builds`: the default text-to-image model's three sessions
// on onnxruntime-web's WASM backend, from one of its builds: the WASM-only build the app uses for the
// CPU, or the WebGPU build's own WASM. One build per page load, so each pays its own compile.
import { runSizes, zeros } from '../../src/engine/warm.ts';
import { asOrtModule, OrtRuntime } from '../../src/runtime/ort.ts';
import { FetchModelStore } from '../../src/runtime/fetchStore.ts';
import type { ModelInfo } from '../../src/runtime/runtime.ts';

export interface BuildResult { build: string; unetOut: number[]; threads: number; sessionsMs: number; firstCallsMs: number; unetMs: number[]; encoderMs: number[]; decoderMs: number[]; isolated: boolean }

const ROLES = ['text_encoder', 'unet', 'vae_decoder'] as const;

async function run(build: 'wasm' | 'webgpu', model: string, calls: number, threads: number): Promise<BuildResult> {
  const ort = build === 'wasm' ? await import('onnxruntime-web/wasm') : await import('onnxruntime-web/webgpu');
  ort.env.wasm.numThreads = threads;
  const store = new FetchModelStore(new URL('/models/', location.href).href);
  const manifest = await store.get(model);
  const runtime = new OrtRuntime(asOrtModule(ort), 'wasm', store, { executionProviders: ['wasm'] });
  for (const role of ROLES) await store.readFile(model, manifest.files.find((f) => f.role === role)!.path); // fetched before timing
  const t0 = performance.now();
  const infos: ModelInfo[] = [];
  for (const role of ROLES) infos.push(await runtime.open(manifest, role));
  const t1 = performance.now();
  const feeds = ROLES.map((role, i) => zeros(infos[i], runSizes(manifest, role, undefined))!);
  for (const [i, info] of infos.entries()) await runtime.run(info, feeds[i]);
  const t2 = performance.now();
  const times = async (i: number) => {
    const ms: number[] = [];
    for (let k = 0; k < calls; k++) {
      const s = performance.now();
      await runtime.run(infos[i], feeds[i]);
      ms.push(performance.now() - s);
    }
    return ms;
  };
  const [encoderMs, unetMs, decoderMs] = [await times(0), await times(1), await times(2)];
  const unet = await runtime.run(infos[1], feeds[1]);
  const unetOut = Array.from(Object.values(unet)[0].data as Float32Array);
  return { build, unetOut, threads, sessionsMs: t1 - t0, firstCallsMs: t2 - t1, unetMs, encoderMs, decoderMs, isolated: self.crossOriginIsolated };
}

(window as unknown as { buildsBench: typeof run }).buildsBench = run;
document.title = 'ready';
