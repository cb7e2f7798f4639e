// The browser half of `npm run bench:gpu`: an SD 1.5-architecture UNet and VAE decoder on
// onnxruntime-web's WebGPU backend. GPU memory is what onnxruntime-web holds in GPU buffers: every
// createBuffer and destroy is counted, and the peak while a model is loaded and run is reported.
import * as ort from 'onnxruntime-web/webgpu';
import { toHalf } from '../../src/runtime/half.ts';

let live = 0;
let peak = 0;
const sizes = new WeakMap<object, number>();
type Dev = { createBuffer(d: { size: number }): object };
const gpuDevice = (globalThis as unknown as { GPUDevice?: { prototype: Dev } }).GPUDevice;
const gpuBuffer = (globalThis as unknown as { GPUBuffer?: { prototype: { destroy(): void } } }).GPUBuffer;
if (gpuDevice && gpuBuffer) {
  const create = gpuDevice.prototype.createBuffer;
  gpuDevice.prototype.createBuffer = function (d) {
    const b = create.call(this, d);
    sizes.set(b, d.size);
    live += d.size;
    peak = Math.max(peak, live);
    return b;
  };
  const destroy = gpuBuffer.prototype.destroy;
  gpuBuffer.prototype.destroy = function () {
    live -= sizes.get(this) ?? 0;
    sizes.delete(this);
    destroy.call(this);
  };
}

export interface ModelCase { name: string; url: string; externalData?: string; kind: 'unet' | 'vae'; fp16: boolean }
export interface CaseResult { name: string; ok: boolean; error?: string; createMs?: number; runsMs?: number[]; peakGpuBytes?: number; outputFinite?: boolean }

async function adapterInfo(): Promise<Record<string, unknown>> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, unknown>; isFallbackAdapter?: boolean; features: Set<string> } | null> } }).gpu;
  if (!gpu) return { webgpu: false };
  const a = await gpu.requestAdapter();
  if (!a) return { webgpu: false };
  const i = a.info ?? {};
  return { webgpu: true, vendor: i.vendor, architecture: i.architecture, device: i.device, description: i.description, fallback: a.isFallbackAdapter ?? i.isFallbackAdapter, shaderF16: a.features.has('shader-f16') };
}

function feeds(c: ModelCase, latent: number, context: number): Record<string, ort.Tensor> {
  let s = 1;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const tensor = (dims: number[]) => {
    const n = dims.reduce((a, b) => a * b, 1);
    return c.fp16 ? new ort.Tensor('float16', Uint16Array.from({ length: n }, () => toHalf(rnd())), dims) : new ort.Tensor('float32', Float32Array.from({ length: n }, rnd), dims);
  };
  if (c.kind === 'vae') return { latent_sample: tensor([1, 4, latent, latent]) };
  return { sample: tensor([1, 4, latent, latent]), timestep: new ort.Tensor('int64', BigInt64Array.from([999n]), [1]), encoder_hidden_states: tensor([1, 77, context]) };
}

async function run(cases: ModelCase[], latent: number, context: number, times: number): Promise<{ adapter: Record<string, unknown>; results: CaseResult[] }> {
  const adapter = await adapterInfo();
  const results: CaseResult[] = [];
  for (const c of cases) {
    peak = live;
    const base = live;
    let session: ort.InferenceSession | undefined;
    try {
      const t0 = performance.now();
      session = await ort.InferenceSession.create(c.url, {
        executionProviders: ['webgpu'], graphOptimizationLevel: 'all',
        ...(c.externalData ? { externalData: [{ path: c.externalData.split('/').pop()!, data: c.externalData }] } : {}),
      });
      const createMs = performance.now() - t0;
      const input = feeds(c, latent, context);
      const once = async () => {
        const out = await session!.run(input);
        return Object.values(out)[0];
      };
      const first = await once(); // warm-up: shaders compiled
      let finite = true;
      const data = first.data as Float32Array | Uint16Array;
      for (let i = 0; i < Math.min(data.length, 4096); i++) if (c.fp16 ? (data[i] & 0x7c00) === 0x7c00 : !Number.isFinite(data[i])) finite = false;
      const runsMs: number[] = [];
      for (let i = 0; i < times; i++) {
        const t = performance.now();
        await once();
        runsMs.push(performance.now() - t);
      }
      results.push({ name: c.name, ok: true, createMs, runsMs, peakGpuBytes: peak - base, outputFinite: finite });
    } catch (e) {
      results.push({ name: c.name, ok: false, error: String((e as Error)?.message ?? e).slice(0, 300) });
    } finally {
      await session?.release();
    }
  }
  return { adapter, results };
}

if (typeof document !== 'undefined') {
  (window as unknown as { gpuBench: typeof run }).gpuBench = run;
  document.title = 'ready';
}
