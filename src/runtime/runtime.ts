// What nodes see of the runtime: load a model, run it. No onnxruntime types leak past this file's users.
import type { Device } from './device.ts';
import type { ModelManifest } from './manifest.ts';
import type { Tensor } from './tensor.ts';

export interface IoSpec {
  name: string;
  dtype: string;
  /** Numbers for fixed dims, strings for symbolic ones; null when the model does not say. */
  shape: (number | string)[] | null;
}

export interface ModelInfo {
  /** sha256 of the model bytes: sessions are cached by content. */
  key: string;
  label: string;
  inputs: IoSpec[];
  outputs: IoSpec[];
}

export interface ModelStore {
  list(): Promise<ModelManifest[]>;
  get(id: string): Promise<ModelManifest>;
  readFile(id: string, path: string): Promise<Uint8Array>;
}

export interface Runtime {
  /** The execution provider actually in use, e.g. "webgpu", "wasm", "cpu". */
  readonly backend: string;
  readonly store: ModelStore;
  /**
   * What kernels keep between runs of this engine and no longer (tokenizers read, tile sizes that had to
   * shrink), next to the sessions: a fresh engine starts fresh.
   */
  readonly memory: Map<string, unknown>;
  /**
   * Bytes one node's run may need at its peak (src/runtime/memory.ts); a node declaring more is refused
   * before it runs. Unset means no limit.
   */
  readonly memoryBudget?: number;
  /** Loads (or reuses) a session for these bytes. */
  load(bytes: Uint8Array, label: string): Promise<ModelInfo>;
  /** Loads the file of `role` from a stored model, checking its sha256 against the manifest. */
  open(manifest: ModelManifest, role: string): Promise<ModelInfo>;
  run(model: ModelInfo, feeds: Record<string, Tensor>, signal?: AbortSignal): Promise<Record<string, Tensor>>;
  /**
   * The GPU, for kernels that keep tensors there between model runs (device.ts), or why there is none
   * (the backend runs on the CPU). Ask after the models it will run are open.
   */
  gpu?(): Promise<Device | string>;
}
