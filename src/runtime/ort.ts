// One adapter over onnxruntime-node and onnxruntime-web: both expose the same InferenceSession and Tensor.
import type * as Ort from 'onnxruntime-common';
import { fileByRole, type ModelManifest } from './manifest.ts';
import { yieldToEvents } from './yieldToEvents.ts';
import { externalDataFor, readVerified, type ExternalDataFile } from './externalData.ts';
import { sha256Hex, type IoSpec, type ModelInfo, type ModelStore, type Runtime } from './runtime.ts';
import type { DType, Tensor } from './tensor.ts';

export interface OrtModule {
  InferenceSession: typeof Ort.InferenceSession;
  Tensor: typeof Ort.Tensor;
}

interface Entry { info: ModelInfo; session: Ort.InferenceSession }

export class OrtRuntime implements Runtime {
  private readonly sessions = new Map<string, Promise<Entry>>();
  /** Runs on one device must not overlap ("Session already started"): one queue for all. */
  private queue: Promise<unknown> = Promise.resolve();

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
    const job = this.queue.then(async () => {
      await yieldToEvents();
      signal?.throwIfAborted();
      const entry = await this.sessions.get(model.key);
      if (!entry) throw new Error(`${model.label} is not loaded`);
      const ortFeeds: Record<string, Ort.Tensor> = {};
      for (const [name, t] of Object.entries(feeds)) ortFeeds[name] = new this.ort.Tensor(t.dtype, t.data, t.dims);
      const results = await entry.session.run(ortFeeds);
      const out: Record<string, Tensor> = {};
      for (const [name, t] of Object.entries(results)) {
        out[name] = { dtype: t.type as DType, dims: [...t.dims], data: (await t.getData(true)) as Tensor['data'] };
      }
      return out;
    });
    this.queue = job.catch(() => undefined);
    return job;
  }

  private entry(key: string, label: string, bytes: () => Promise<Uint8Array>, externalData: () => Promise<ExternalDataFile[]> = async () => []): Promise<Entry> {
    let entry = this.sessions.get(key);
    if (!entry) {
      entry = (async () => {
        const data = await bytes();
        const session = await this.createSession(data, await externalData()).catch((e: Error) => {
          throw new Error(`${label} could not be loaded: ${e.message}`);
        });
        const info: ModelInfo = { key, label, inputs: session.inputMetadata.map(io), outputs: session.outputMetadata.map(io) };
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

function io(meta: Ort.InferenceSession.ValueMetadata): IoSpec {
  return meta.isTensor
    ? { name: meta.name, dtype: meta.type, shape: [...meta.shape] }
    : { name: meta.name, dtype: 'non-tensor', shape: null };
}
