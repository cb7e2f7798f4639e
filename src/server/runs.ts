// What the server knows of a run, the same whether it runs in the server's own engine or on the queue's
// workers, and the two ways of keeping runs behind one interface.
import type { RunEvent } from '../engine/events.ts';
import type { ModelManifest } from '../runtime/manifest.ts';
import type { PlannedRun } from './plan.ts';

export type RunStatus = 'queued' | 'running' | 'done' | 'failed' | 'cancelled';

export interface RunState {
  /** The run's content address (32 hex digits), also the name of its folder of outputs. */
  id: string;
  status: RunStatus;
  /** NODE.PARAM -> value set or swept for this run. */
  overrides: Record<string, unknown>;
  /** The names of the files it wrote into its folder, once done. */
  files: string[];
  /** Why it failed: each failed node's message, or what went wrong around it. */
  errors?: string[];
  submitted: string;
  started?: string;
  finished?: string;
  /** The graph's own run time. */
  ms?: number;
  /** Which process ran it ("host:pid"), and how many times it was started (a worker lost mid-run means another). */
  worker?: string;
  attempts?: number;
}

/** An engine event as the API sends it: the run's id instead of the engine's counter, no preview pixels. */
export type ApiEvent = RunEvent extends infer E ? (E extends RunEvent ? Omit<E, 'runId' | 'preview'> & { runId: string } : never) : never;

/** Done, failed and cancelled runs are over: they write nothing more. */
export const isOver = (status: RunStatus) => status === 'done' || status === 'failed' || status === 'cancelled';

export interface RunBackend {
  /**
   * Queues the runs and returns their states. A run with the id of one already known that is queued,
   * running or done is that run, not a new one; a failed or cancelled one is queued again.
   */
  submit(runs: readonly PlannedRun[]): Promise<RunState[]>;
  get(id: string): Promise<RunState | undefined>;
  /** Cancels a queued run at once and a running one between nodes or steps. */
  cancel(id: string): Promise<RunState | undefined>;
  /** The run's events so far, then as they come, until it is over or `signal` aborts. */
  events(id: string, signal: AbortSignal): AsyncIterable<ApiEvent>;
  /** How many runs wait or run now. */
  pending(): Promise<number>;
  models(): Promise<ModelManifest[]>;
  /** The folder a run's files are in (its id under the output folder). */
  readonly outDir: string;
  close(): Promise<void>;
}

/** An engine event made fit to send: the preview image is dropped (pixels are not for a log), the run named by id. */
export function apiEvent(id: string, e: RunEvent): ApiEvent {
  const { preview: _preview, ...rest } = e as RunEvent & { preview?: unknown };
  return { ...rest, runId: id } as ApiEvent;
}

/** Every failed node's message in a run's events. */
export function failures(events: readonly ApiEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'node-failed' ? [e.message] : []));
}
