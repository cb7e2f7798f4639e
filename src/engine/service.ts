// The engine's API, the same on both sides of the worker boundary (Comlink in the browser, worker_threads in Node).
import type { GraphDoc } from '../graph/types.ts';
import type { NodeCatalog } from '../kernel/registry.ts';
import type { ModelManifest } from '../runtime/manifest.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { detachedCopy } from '../runtime/tensor.ts';
import type { RunEvent, RunResult } from './events.ts';
import { Executor, type RunOptions } from './executor.ts';
import { warmUp, type WarmOptions, type WarmReport } from './warm.ts';

export interface EngineInfo { backend: string; cacheBytes: number; cacheBudget: number; cacheEntries: number }

export interface EngineApi {
  /**
   * Runs the graph. One run at a time: a new run cancels the one in progress (it stops between nodes or
   * steps and keeps what it finished), which the step scrubber relies on.
   */
  run(doc: GraphDoc, options: { targets?: string[] }, onEvent?: (event: RunEvent) => void): Promise<RunResult>;
  /** Cancels the run in progress; it stops between nodes or between steps. */
  cancel(): Promise<void>;
  /** A node's outputs from its latest run, if still cached. */
  outputs(nodeId: string): Promise<Record<string, unknown> | undefined>;
  models(): Promise<ModelManifest[]>;
  info(): Promise<EngineInfo>;
  setCacheBudget(bytes: number): Promise<void>;
  /**
   * Makes ready what `doc` needs before it is run (src/engine/warm.ts). A run started meanwhile stops it
   * at once (it waits only for a session creation under way); while a run is in progress it does nothing.
   */
  warm(doc: GraphDoc, options?: WarmOptions): Promise<WarmReport>;
}

/** Values handed out are copies: the cache keeps its own buffers, the copies can be transferred. */
export type Transfer = <T>(value: T) => T;

export class EngineService implements EngineApi {
  readonly executor: Executor;
  private controller: AbortController | null = null;

  constructor(private readonly registry: NodeCatalog, readonly runtime: Runtime, cacheBytes?: number, private readonly transfer: Transfer = (v) => v) {
    this.executor = new Executor(registry, runtime, cacheBytes);
  }

  async warm(doc: GraphDoc, options: WarmOptions = {}): Promise<WarmReport> {
    if (this.controller) return { ran: [], opened: [], skipped: [], stopped: true, ms: 0 };
    // Held where a run finds it: run() and cancel() abort the warm-up as they would a run.
    const controller = new AbortController();
    this.controller = controller;
    try {
      return await warmUp(doc, this.registry, this.executor, this.runtime, controller.signal, options);
    } finally {
      if (this.controller === controller) this.controller = null;
    }
  }

  async run(doc: GraphDoc, options: { targets?: string[] } = {}, onEvent?: (event: RunEvent) => void): Promise<RunResult> {
    this.controller?.abort();
    const controller = new AbortController();
    this.controller = controller;
    const runOptions: RunOptions = {
      ...options,
      signal: controller.signal,
      onEvent: onEvent && ((e) => onEvent(e.type === 'node-progress' && e.preview ? this.transfer(detachedCopy(e)) : e)),
    };
    try {
      const result = await this.executor.run(doc, runOptions);
      return this.transfer(detachedCopy(result));
    } finally {
      if (this.controller === controller) this.controller = null;
    }
  }

  async cancel(): Promise<void> {
    this.controller?.abort();
  }

  async outputs(nodeId: string): Promise<Record<string, unknown> | undefined> {
    const value = this.executor.outputs(nodeId);
    return value && this.transfer(detachedCopy(value));
  }

  async models(): Promise<ModelManifest[]> {
    return this.runtime.store.list();
  }

  async info(): Promise<EngineInfo> {
    const { cache } = this.executor;
    return { backend: this.runtime.backend, cacheBytes: cache.bytes, cacheBudget: cache.budgetBytes, cacheEntries: cache.size };
  }

  async setCacheBudget(bytes: number): Promise<void> {
    this.executor.cache.setBudget(bytes);
  }
}
