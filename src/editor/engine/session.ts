// The one engine the editor talks to: started in a worker, restarted when the backend choice changes.
import { startBrowserEngine, type BrowserEngine } from '../../engine/client.browser.ts';
import type { ModelManifest } from '../../runtime/manifest.ts';
import type { WebBackend } from '../../runtime/web.ts';
import { createStore, useStore } from '../store/createStore.ts';
import type { GraphDoc } from '../../graph/index.ts';
import { withNodeNames } from '../names.ts';
import { getDoc } from '../store/graph.ts';
import { applyEvent, applyResult, engineRestarted, runStore, startRun } from '../store/run.ts';
import { toast } from '../store/ui.ts';
import { outOfMemoryError, outOfMemoryFailure } from './restart.ts';
import { warmWhenIdle, type WarmState } from './warm.ts';

export interface EngineState {
  choice: WebBackend;
  /** The backend the engine reports running on; empty while starting. */
  backend: string;
  starting: boolean;
  error: string;
  models: ModelManifest[];
  /** Bytes of node outputs the engine keeps cached, and its budget. */
  cache: { bytes: number; budget: number; entries: number } | null;
  /** The warm-up of the open graph after the engine started (./warm.ts). */
  warm: WarmState;
}

export const engineStore = createStore<EngineState>({ choice: 'auto', backend: '', starting: true, error: '', models: [], cache: null, warm: 'waiting' });
export const useEngine = <S,>(selector: (s: EngineState) => S): S => useStore(engineStore, selector);

let engine: BrowserEngine | null = null;
let booting: Promise<BrowserEngine> | null = null;

export async function startEngine(choice: WebBackend, options: { keepFailures?: boolean } = {}): Promise<void> {
  engine?.close();
  engine = null;
  if (runStore.get().running) runStore.set((s) => ({ ...s, running: false }));
  engineStore.set((s) => ({ ...s, choice, backend: '', starting: true, error: '', cache: null, warm: 'waiting' }));
  // A new engine has an empty cache: old statuses would lie about what is cached.
  engineRestarted(options.keepFailures);
  const boot = startBrowserEngine(choice);
  booting = boot;
  try {
    const started = await boot;
    if (booting !== boot) { started.close(); return; }
    engine = started;
    const [info, models] = await Promise.all([started.api.info(), started.api.models().catch(() => [])]);
    engineStore.set((s) => ({ ...s, backend: info.backend, starting: false, models, cache: cacheOf(info) }));
    warmWhenIdle(started.api, getDoc, (warm) => { if (engine === started) engineStore.set((s) => ({ ...s, warm })); });
  } catch (e) {
    engineStore.set((s) => ({ ...s, starting: false, error: (e as Error).message }));
    toast(`engine failed to start: ${(e as Error).message}`, 'error');
  }
}

function cacheOf(info: { cacheBytes: number; cacheBudget: number; cacheEntries: number }): EngineState['cache'] {
  return { bytes: info.cacheBytes, budget: info.cacheBudget, entries: info.cacheEntries };
}

/** The engine once it has started (or is starting); throws when none is. */
export async function ready(): Promise<BrowserEngine> {
  if (engine) return engine;
  if (booting) return booting;
  throw new Error('the engine is not running');
}

export async function runGraph(targets?: string[]): Promise<void> {
  if (runStore.get().running) return;
  await runDoc(getDoc(), targets);
}

/** One run of a given document (the graph now, or a queued snapshot): events to the run state, the result as the final word. */
export async function runDoc(doc: GraphDoc, targets?: string[]): Promise<void> {
  startRun();
  try {
    const e = await ready();
    const result = await e.api.run(doc, targets ? { targets } : {}, e.listen(applyEvent));
    applyResult(result, doc);
    if (outOfMemoryFailure(result) !== null) {
      await restartAfterOutOfMemory();
      return;
    }
    const info = await e.api.info();
    if (engine === e) engineStore.set((s) => ({ ...s, cache: cacheOf(info) }));
    if (result.status === 'invalid') toast(`cannot run: ${result.problems.map((p) => withNodeNames(p.message, doc)).join('; ')}`, 'error');
  } catch (err) {
    runStore.set((s) => ({ ...s, running: false, summary: `error: ${(err as Error).message}` }));
    toast((err as Error).message, 'error');
    if (outOfMemoryError(err)) await restartAfterOutOfMemory();
  }
}

/**
 * The worker's WASM memory has grown to what the failed run asked for and never shrinks: a new worker
 * gives it back. The graph is the editor's and stays; the worker's cache of results is lost, so the next
 * run computes everything again. The failed node keeps its message.
 */
async function restartAfterOutOfMemory(): Promise<void> {
  await startEngine(engineStore.get().choice, { keepFailures: true });
  runStore.set((s) => ({ ...s, summary: `${s.summary} (out of memory: the engine was restarted to free it; its cache is empty)` }));
  toast('out of memory: the engine was restarted to free it; lower the size the failed node names and run again', 'error');
}

export async function cancelRun(): Promise<void> {
  await engine?.api.cancel();
}

/** When a kernel never yields, the cancel request waits in the worker's queue: restarting the worker always stops. */
export async function forceStop(): Promise<void> {
  await startEngine(engineStore.get().choice);
  runStore.set((s) => ({ ...s, summary: 'stopped: the engine was restarted (its cache is empty)', finishedRuns: s.finishedRuns + 1 }));
}

export async function nodeOutputs(nodeId: string): Promise<Record<string, unknown> | undefined> {
  return engine ? engine.api.outputs(nodeId) : undefined;
}

/** Asks the engine for its models again, so the model pickers list what was just added or deleted. */
export async function refreshModelList(): Promise<void> {
  const e = await ready();
  const models = await e.api.models();
  if (engine === e) engineStore.set((s) => ({ ...s, models }));
}
