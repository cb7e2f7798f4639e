// One adapter over onnxruntime-node and onnxruntime-web: both expose the same InferenceSession and Tensor.
import type * as Ort from 'onnxruntime-common';
import { fileByRole, type ModelManifest } from './manifest.ts';
import { yieldToEvents } from './yieldToEvents.ts';
import { externalDataFor, readVerified, type ExternalDataFile } from './externalData.ts';
import type { IoSpec, ModelInfo, ModelStore, Runtime } from './runtime.ts';
import { sha256Hex } from './sha256.ts';
import type { DType, Tensor } from './tensor.ts';
import type { Device, Traffic } from './device.ts';
import { GpuTensor, WebGpuDevice } from './webgpuDevice.ts';

export interface OrtModule {
  InferenceSession: typeof Ort.InferenceSession;
  Tensor: typeof Ort.Tensor;
  /** onnxruntime-web's settings, where its WebGPU device is found. */
  env?: { webgpu?: { device: Promise<unknown> } };
}

interface Entry { info: ModelInfo; session: Ort.InferenceSession }

export class OrtRuntime implements Runtime {
  private readonly sessions = new Map<string, Promise<Entry>>();
  readonly memory = new Map<string, unknown>();
  /** Set by whoever makes the runtime: the machine's memory in Node, the backend's heap in the browser. */
  memoryBudget: number | undefined = undefined;
  /** Runs on one device must not overlap ("Session already started"): one queue for all. */
  private queue: Promise<unknown> = Promise.resolve();
  /** Tensor bytes between CPU and GPU on the WebGPU backend: model inputs and outputs, and the Device's copies. */
  readonly traffic: Traffic = { up: 0, down: 0 };
  private device: Promise<Device | string> | undefined;

  constructor(
    private readonly ort: OrtModule,
    public backend: string,
    public readonly store: ModelStore,
    private sessionOptions: Ort.InferenceSession.SessionOptions,
    /** Where to go when a session cannot be made on the preferred backend (WebGPU -> WASM). */
    private fallback?: { backend: string; options: Ort.InferenceSession.SessionOptions },
  ) {}

  async load(bytes: Uint8Array, label: string): Promise<ModelInfo> {
    return (await this.entry(await sha256Hex(bytes), label, async () => bytes)).info;
  }

  async open(manifest: ModelManifest, role: string): Promise<ModelInfo> {
    const file = fileByRole(manifest, role);
    const label = `model "${manifest.id}" ${role}`;
    // Weights kept beside the model (unet/weights.pb) are part of its identity and its session.
    const data = manifest.files.filter((f) => f.role === `${role}_data`);
    const key = [file.sha256, ...data.map((f) => f.sha256)].join(':');
    const entry = await this.entry(key, label, () => readVerified(this.store, manifest, file, label), () => externalDataFor(this.store, manifest, role));
    return entry.info;
  }

  run(model: ModelInfo, feeds: Record<string, Tensor>, signal?: AbortSignal): Promise<Record<string, Tensor>> {
    return this.enqueue(model, signal, async (session) => {
      const gpu = this.backend === 'webgpu';
      if (gpu) for (const t of Object.values(feeds)) this.traffic.up += t.data.byteLength;
      const out = await fromOrtResults(await session.run(toOrtFeeds(this.ort, feeds)));
      if (gpu) for (const t of Object.values(out)) this.traffic.down += t.data.byteLength;
      return out;
    });
  }

  /** Model runs one at a time, each after a yield to the event loop (where a cancel is heard). */
  private enqueue<T>(model: ModelInfo, signal: AbortSignal | undefined, work: (session: Ort.InferenceSession) => Promise<T>): Promise<T> {
    const job = this.queue.then(async () => {
      await yieldToEvents();
      signal?.throwIfAborted();
      const entry = await this.sessions.get(model.key);
      if (!entry) throw new Error(`${model.label} is not loaded`);
      return work(entry.session);
    });
    this.queue = job.catch(() => undefined);
    return job;
  }

  gpu(): Promise<Device | string> {
    if (this.backend !== 'webgpu') return Promise.resolve(`the ${this.backend} backend runs on the CPU`);
    this.device ??= this.openDevice();
    return this.device;
  }

  private async openDevice(): Promise<Device | string> {
    const device = (await this.ort.env?.webgpu?.device) as GPUDevice | undefined;
    if (!device || typeof this.ort.Tensor.fromGpuBuffer !== 'function') return 'this onnxruntime build offers no WebGPU device';
    return new WebGpuDevice(device, this.traffic, (model, feeds, signal) => this.enqueue(model, signal, async (session) => {
      const inputs: Record<string, Ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) {
        inputs[name] = this.ort.Tensor.fromGpuBuffer(t.buffer, { dataType: t.dtype as Ort.Tensor.GpuBufferDataTypes, dims: t.dims });
      }
      const results = await session.run(inputs);
      const out: Record<string, GpuTensor> = {};
      const onCpu = Object.entries(results).filter(([, t]) => t.location !== 'gpu-buffer').map(([name]) => name);
      if (onCpu.length > 0) {
        for (const t of Object.values(results)) t.dispose();
        throw new Error(`${model.label}: output ${onCpu.join(', ')} came back to the CPU; its session keeps only out_sample on the GPU`);
      }
      for (const [name, t] of Object.entries(results)) out[name] = new GpuTensor(t.type as DType, [...t.dims], t.gpuBuffer as GPUBuffer, () => t.dispose());
      return out;
    }));
  }

  private entry(key: string, label: string, bytes: () => Promise<Uint8Array>, externalData: () => Promise<ExternalDataFile[]> = async () => []): Promise<Entry> {
    let entry = this.sessions.get(key);
    if (!entry) {
      entry = (async () => {
        const data = await bytes();
        const session = await this.createSession(data, await externalData()).catch((e: Error) => {
          throw new Error(`${label} could not be loaded: ${e.message}`);
        });
        const info: ModelInfo = { key, label, inputs: session.inputMetadata.map(ioSpec), outputs: session.outputMetadata.map(ioSpec) };
        return { info, session };
      })();
      entry.catch(() => this.sessions.delete(key));
      this.sessions.set(key, entry);
    }
    return entry;
  }

  private async createSession(data: Uint8Array, externalData: ExternalDataFile[]): Promise<Ort.InferenceSession> {
    const withData = (o: Ort.InferenceSession.SessionOptions) => (externalData.length ? { ...o, externalData } : o);
    try {
      return await this.ort.InferenceSession.create(data, withData(this.sessionOptions));
    } catch (e) {
      if (!this.fallback) throw e;
      const { backend, options } = this.fallback;
      const session = await this.ort.InferenceSession.create(data, withData(options));
      console.warn(`${this.backend} failed (${(e as Error).message}); using ${backend}`);
      [this.backend, this.sessionOptions, this.fallback] = [backend, options, undefined];
      return session;
    }
  }
}

export function ioSpec(meta: Ort.InferenceSession.ValueMetadata): IoSpec {
  return meta.isTensor
    ? { name: meta.name, dtype: meta.type, shape: [...meta.shape] }
    : { name: meta.name, dtype: 'non-tensor', shape: null };
}

export function toOrtFeeds(ort: OrtModule, feeds: Record<string, Tensor>): Record<string, Ort.Tensor> {
  const out: Record<string, Ort.Tensor> = {};
  for (const [name, t] of Object.entries(feeds)) out[name] = new ort.Tensor(t.dtype, t.data, t.dims);
  return out;
}

/** Results as plain tensors; `getData(true)` also frees what a result held on the GPU. */
export async function fromOrtResults(results: Ort.InferenceSession.ReturnType): Promise<Record<string, Tensor>> {
  const out: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(results)) {
    out[name] = { dtype: t.type as DType, dims: [...t.dims], data: (await t.getData(true)) as Tensor['data'] };
  }
  return out;
}

/** A session seen from outside: its inputs and outputs, one run, and release. */
export interface OpenedSession {
  inputs: IoSpec[];
  outputs: IoSpec[];
  run(feeds: Record<string, Tensor>): Promise<Record<string, Tensor>>;
  close(): Promise<void>;
}

/** Creates a session for inspection (import); the message names `label` when the file is not a model. */
export async function openSession(
  ort: OrtModule, model: Uint8Array | string, label: string, options: Ort.InferenceSession.SessionOptions = {},
): Promise<OpenedSession> {
  let session: Ort.InferenceSession;
  try {
    session = await (typeof model === 'string' ? ort.InferenceSession.create(model, options) : ort.InferenceSession.create(model, options));
  } catch (e) {
    throw new Error(`${label}: not a loadable ONNX model (truncated, corrupt or missing its external data): ${(e as Error).message.split('\n')[0]}`);
  }
  return {
    inputs: session.inputMetadata.map(ioSpec),
    outputs: session.outputMetadata.map(ioSpec),
    run: async (feeds) => fromOrtResults(await session.run(toOrtFeeds(ort, feeds))),
    close: () => session.release(),
  };
}

/** onnxruntime-node and onnxruntime-web, each typed as the module both satisfy. */
export const asOrtModule = (module: unknown): OrtModule => module as OrtModule;
