// `serve` without Redis: runs wait in memory and run one at a time in the server's own engine (a worker
// thread), so what a sweep's runs share upstream is computed once.
import type { Catalog } from '../graph/catalog.ts';
import { startNodeEngine, type NodeEngine } from '../engine/client.node.ts';
import type { ModelManifest } from '../runtime/manifest.ts';
import type { PlannedRun } from './plan.ts';
import { runIntoFolder } from './runFolder.ts';
import { apiEvent, isOver, type ApiEvent, type RunBackend, type RunState } from './runs.ts';

/** Events kept per run: progress past this is dropped, every other event is kept. */
const MAX_EVENTS = 10_000;

interface Entry {
  state: RunState;
  run: PlannedRun;
  events: ApiEvent[];
  wake: Set<() => void>;
  /** Cancel asked for while running: the engine is told at the run's next event, in case it had not begun. */
  stopping?: boolean;
}

export interface LocalOptions {
  catalog: Catalog;
  modelRoots: string[];
  threads?: number;
  models: () => Promise<ModelManifest[]>;
  /** Finished runs remembered (the oldest are forgotten first; their folders stay). */
  keep?: number;
}

export class LocalBackend implements RunBackend {
  private readonly entries = new Map<string, Entry>();
  private readonly waiting: string[] = [];
  private engine: NodeEngine | undefined;
  private running: string | undefined;
  private closed = false;
  private idle: Promise<void> = Promise.resolve();

  constructor(readonly outDir: string, private readonly options: LocalOptions) {}

  async submit(runs: readonly PlannedRun[]): Promise<RunState[]> {
    const states = runs.map((run) => {
      const known = this.entries.get(run.id);
      if (known && known.state.status !== 'failed' && known.state.status !== 'cancelled') return known.state;
      const state: RunState = { id: run.id, status: 'queued', overrides: run.overrides, files: [], submitted: new Date().toISOString() };
      this.entries.delete(run.id);
      this.entries.set(run.id, { state, run, events: [], wake: new Set() });
      this.waiting.push(run.id);
      return state;
    });
    this.forgetOld();
    if (this.running === undefined) this.idle = this.drain();
    return states.map((s) => ({ ...s }));
  }

  async get(id: string): Promise<RunState | undefined> {
    const state = this.entries.get(id)?.state;
    return state && { ...state };
  }

  async cancel(id: string): Promise<RunState | undefined> {
    const entry = this.entries.get(id);
    if (!entry) return undefined;
    if (entry.state.status === 'queued') {
      this.waiting.splice(this.waiting.indexOf(id), 1);
      this.finish(entry, { status: 'cancelled' });
      this.push(entry, { type: 'run-finished', runId: id, status: 'cancelled', ms: 0 });
    } else if (entry.state.status === 'running') {
      entry.stopping = true;
      await this.engine?.api.cancel();
    }
    return { ...entry.state };
  }

  async *events(id: string, signal: AbortSignal): AsyncIterable<ApiEvent> {
    const entry = this.entries.get(id);
    if (!entry) return;
    for (let i = 0; !signal.aborted;) {
      while (i < entry.events.length) yield entry.events[i++];
      if (isOver(entry.state.status)) return;
      await new Promise<void>((wake) => {
        const done = () => { entry.wake.delete(done); signal.removeEventListener('abort', done); wake(); };
        entry.wake.add(done);
        signal.addEventListener('abort', done);
        if (signal.aborted) done();
      });
    }
  }

  async pending(): Promise<number> {
    return this.waiting.length + (this.running === undefined ? 0 : 1);
  }

  models(): Promise<ModelManifest[]> {
    return this.options.models();
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const id of this.waiting.splice(0)) {
      const entry = this.entries.get(id)!;
      this.finish(entry, { status: 'cancelled' });
      this.push(entry, { type: 'run-finished', runId: id, status: 'cancelled', ms: 0 });
    }
    if (this.running !== undefined) await this.engine?.api.cancel();
    await this.idle;
    await this.engine?.close();
  }

  private async drain(): Promise<void> {
    for (let id = this.waiting.shift(); id !== undefined && !this.closed; id = this.waiting.shift()) {
      const entry = this.entries.get(id)!;
      this.running = id;
      entry.state.status = 'running';
      entry.state.started = new Date().toISOString();
      entry.state.attempts = (entry.state.attempts ?? 0) + 1;
      entry.state.worker = `local:${process.pid}`;
      this.engine ??= startNodeEngine({ modelRoots: this.options.modelRoots, threads: this.options.threads });
      // The run's own run-finished is held back until its files are in place and its state says so.
      let finished: ApiEvent | undefined;
      try {
        let told = false;
        const result = await runIntoFolder(this.engine, entry.run, this.outDir, this.options.catalog, (e) => {
          if (entry.stopping && !told) {
            told = true;
            void this.engine?.api.cancel();
          }
          const event = apiEvent(id, e);
          if (event.type === 'run-finished') finished = event;
          else this.push(entry, event);
        });
        this.finish(entry, { status: result.status, files: result.files, errors: result.errors.length > 0 ? result.errors : undefined, ms: Math.round(result.ms) });
      } catch (e) {
        this.finish(entry, { status: 'failed', errors: [(e as Error).message] });
      }
      const status = entry.state.status as RunState['status'];
      this.push(entry, finished ?? { type: 'run-finished', runId: id, status: status === 'done' || status === 'cancelled' ? status : 'failed', ms: entry.state.ms ?? 0 });
      this.running = undefined;
    }
  }

  private finish(entry: Entry, result: Partial<RunState> & Pick<RunState, 'status'>) {
    Object.assign(entry.state, result, { finished: new Date().toISOString() });
  }

  private push(entry: Entry, event: ApiEvent) {
    if (entry.events.length >= MAX_EVENTS && event.type === 'node-progress') return;
    entry.events.push(event);
    for (const wake of [...entry.wake]) wake();
  }

  /** Forgets the oldest finished runs past `keep`, so a server up for months holds bounded memory. */
  private forgetOld() {
    const keep = this.options.keep ?? 100_000;
    for (const [id, entry] of this.entries) {
      if (this.entries.size <= keep) break;
      if (isOver(entry.state.status) && entry.wake.size === 0) this.entries.delete(id);
    }
  }
}
