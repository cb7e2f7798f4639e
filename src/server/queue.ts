// Runs on a BullMQ queue in Redis: `serve --redis URL` puts them there, `worker --redis URL` processes
// take them, on any number of machines that share the output folder. A run's job id is its content
// address, so a repeated submission is the run already there. Its state (a JSON string) and its events
// (a stream) live in Redis beside the queue; BullMQ's lock and stalled-job check give a job whose worker
// died to another worker.
import { access } from 'node:fs/promises';
import { hostname } from 'node:os';
import { Queue, Worker, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import type { Catalog } from '../graph/catalog.ts';
import { clip } from '../graph/text.ts';
import { startNodeEngine, type NodeEngine } from '../engine/client.node.ts';
import type { ModelManifest } from '../runtime/manifest.ts';
import { containedPath } from '../runtime/paths.ts';
import type { PlannedRun } from './plan.ts';
import { RUN_ID, runFolder, runIntoFolder, type FolderRun } from './runFolder.ts';
import { apiEvent, isOver, type ApiEvent, type RunBackend, type RunState } from './runs.ts';

const PREFIX = 'latent-loom';
const QUEUE = 'runs';
const CANCEL_CHANNEL = `${PREFIX}:cancel`;
/** Events kept per run in its stream (progress of a long run is trimmed first, roughly). */
const MAX_EVENTS = 10_000;
/** Longest a worker holds an event before sending it to Redis (they go in batches). */
const EVENT_FLUSH_MS = 100;
/** How long a finished run's events are kept. */
const EVENTS_TTL_S = 7 * 24 * 3600;
/** Infrastructure failures (a disk, a lost connection) are retried this many times; a failing node is not. */
const ATTEMPTS = 3;

const stateKey = (id: string) => `${PREFIX}:run:${id}`;
const eventsKey = (id: string) => `${PREFIX}:run:${id}:events`;
const cancelKey = (id: string) => `${PREFIX}:run:${id}:cancel`;

/** A connection that waits out a restart of Redis rather than failing its commands. */
export function connect(url: string): Redis {
  const redis = new Redis(url, { maxRetriesPerRequest: null, retryStrategy: (times) => Math.min(100 * times, 2000) });
  redis.on('error', () => {}); // reconnects on its own; commands wait for it
  return redis;
}

function parseState(text: string | null): RunState | undefined {
  return text === null ? undefined : (JSON.parse(text) as RunState);
}

/** The server's side: submits, reads state and events, cancels. */
export class QueueBackend implements RunBackend {
  private readonly redis: Redis;
  /** The queue's own connection: BullMQ leaves a connection it was handed open, so it is closed here. */
  private readonly queueRedis: Redis;
  private readonly queue: Queue;

  constructor(url: string, readonly outDir: string, private readonly listModels: () => Promise<ModelManifest[]>) {
    this.redis = connect(url);
    this.queueRedis = connect(url);
    this.queue = new Queue(QUEUE, { connection: this.queueRedis, prefix: PREFIX });
    this.queue.on('error', () => {});
  }

  async submit(runs: readonly PlannedRun[]): Promise<RunState[]> {
    const states: RunState[] = [];
    for (const run of runs) {
      const fresh: RunState = { id: run.id, status: 'queued', overrides: run.overrides, files: [], submitted: new Date().toISOString() };
      if (!(await this.redis.set(stateKey(run.id), JSON.stringify(fresh), 'NX'))) {
        const known = parseState(await this.redis.get(stateKey(run.id)));
        if (known && known.status !== 'failed' && known.status !== 'cancelled') {
          states.push(known);
          continue;
        }
        await this.redis.set(stateKey(run.id), JSON.stringify(fresh));
      }
      await this.redis.del(eventsKey(run.id), cancelKey(run.id));
      await this.queue.add('run', run, { jobId: run.id, attempts: ATTEMPTS, backoff: { type: 'fixed', delay: 1000 }, removeOnComplete: true, removeOnFail: true });
      states.push(fresh);
    }
    return states;
  }

  async get(id: string): Promise<RunState | undefined> {
    return parseState(await this.redis.get(stateKey(id)));
  }

  async cancel(id: string): Promise<RunState | undefined> {
    const state = await this.get(id);
    if (!state || isOver(state.status)) return state;
    await this.redis.set(cancelKey(id), '1', 'EX', EVENTS_TTL_S);
    if (state.status === 'queued') {
      // A waiting job is removed; one a worker holds is locked, and that worker sees the flag.
      const job = await this.queue.getJob(id);
      const removed = job ? await job.remove().then(() => true, () => false) : true;
      if (removed) {
        const cancelled: RunState = { ...state, status: 'cancelled', finished: new Date().toISOString() };
        await this.redis.set(stateKey(id), JSON.stringify(cancelled));
        await this.redis.xadd(eventsKey(id), 'MAXLEN', '~', MAX_EVENTS, '*', 'e', JSON.stringify({ type: 'run-finished', runId: id, status: 'cancelled', ms: 0 }));
        return cancelled;
      }
    }
    await this.redis.publish(CANCEL_CHANNEL, id);
    return this.get(id);
  }

  async *events(id: string, signal: AbortSignal): AsyncIterable<ApiEvent> {
    // Each stream reads with its own connection, as a blocking read holds one.
    const reader = this.redis.duplicate();
    reader.on('error', () => {});
    const stop = () => reader.disconnect();
    signal.addEventListener('abort', stop);
    try {
      let last = '0';
      while (!signal.aborted) {
        const reply = (await reader.xread('COUNT', 100, 'BLOCK', 1000, 'STREAMS', eventsKey(id), last).catch(() => null)) as [string, [string, string[]][]][] | null;
        if (signal.aborted) return;
        const entries = reply?.[0]?.[1] ?? [];
        for (const [entryId, fields] of entries) {
          last = entryId;
          const event = JSON.parse(fields[1]) as ApiEvent;
          yield event;
          if (event.type === 'run-finished') return;
        }
        if (entries.length === 0) {
          const state = await this.get(id);
          // Over, with nothing more to read: its events were trimmed or have expired.
          if (!state || (isOver(state.status) && (await this.redis.xlen(eventsKey(id))) === 0)) return;
        }
      }
    } finally {
      signal.removeEventListener('abort', stop);
      reader.disconnect();
    }
  }

  async pending(): Promise<number> {
    const counts = await this.queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized', 'waiting-children');
    return Object.values(counts).reduce((a, b) => a + b, 0);
  }

  models(): Promise<ModelManifest[]> {
    return this.listModels();
  }

  async close(): Promise<void> {
    await this.queue.close();
    this.queueRedis.disconnect();
    this.redis.disconnect();
  }
}

export interface WorkerOptions {
  url: string;
  outDir: string;
  catalog: Catalog;
  modelRoots: string[];
  /** Runs at once, each in its own engine. */
  concurrency: number;
  threads?: number;
  /** How long a job's lock lasts without renewal: a worker silent this long is presumed lost. */
  lockMs: number;
  log: (line: string) => void;
}

export interface RunWorker {
  close(): Promise<void>;
}

/** Takes runs off the queue until closed; each run in one of `concurrency` engines. */
export async function startWorker(options: WorkerOptions): Promise<RunWorker> {
  const { url, log } = options;
  const me = `${hostname()}:${process.pid}`;
  const redis = connect(url);
  const idle: NodeEngine[] = [];
  const all: NodeEngine[] = [];
  const active = new Map<string, NodeEngine>();
  const subscriber = connect(url);
  // Runs asked to stop: the engine is told at the run's next event, so a cancel that comes before the
  // engine has begun the run is not lost.
  const stopping = new Set<string>();
  subscriber.on('message', (_channel, id: string) => {
    if (!active.has(id)) return;
    stopping.add(id);
    void active.get(id)!.api.cancel();
  });
  await subscriber.subscribe(CANCEL_CHANNEL);

  const process_ = async (job: Job<PlannedRun>): Promise<FolderRun> => {
    const run = job.data;
    if (!RUN_ID.test(run.id) || job.id !== run.id) throw new Error(`job ${clip(String(job.id), 40)} does not carry a run`);
    const id = run.id;
    const [[, stateText], [, cancelled]] = (await redis.multi().get(stateKey(id)).exists(cancelKey(id)).exec()) as [[unknown, string | null], [unknown, number]];
    const known = parseState(stateText);
    const base: RunState = known ?? { id, status: 'queued', overrides: run.overrides, files: [], submitted: new Date().toISOString() };
    // Events go to Redis in batches (a run has dozens): at most every EVENT_FLUSH_MS, in order on one connection.
    let pending: string[] = [];
    let timer: NodeJS.Timeout | undefined;
    const flush = (batch = redis.pipeline()) => {
      clearTimeout(timer);
      timer = undefined;
      for (const e of pending) batch.xadd(eventsKey(id), 'MAXLEN', '~', MAX_EVENTS, '*', 'e', e);
      pending = [];
      return batch;
    };
    const emit = (event: ApiEvent) => {
      pending.push(JSON.stringify(event));
      timer ??= setTimeout(() => void flush().exec().catch(() => {}), EVENT_FLUSH_MS);
    };
    const settle = async (result: FolderRun, finished?: ApiEvent) => {
      const state: RunState = { ...base, status: result.status, files: result.files, errors: result.errors.length > 0 ? result.errors : undefined, ms: Math.round(result.ms), finished: new Date().toISOString() };
      // run-finished is told once the files are in place and the state says so.
      const last = JSON.stringify(finished ?? { type: 'run-finished', runId: id, status: result.status, ms: result.ms });
      await flush(redis.multi()).set(stateKey(id), JSON.stringify(state)).xadd(eventsKey(id), 'MAXLEN', '~', MAX_EVENTS, '*', 'e', last).expire(eventsKey(id), EVENTS_TTL_S).exec();
      return result;
    };
    // A run's line is logged once its state is written: a reply from BullMQ lost to a Redis restart
    // must not hide a finished run, and a job handed out again after that must not run twice.
    const logged = (result: FolderRun) => (log(`run ${id} ${result.status} in ${Math.round(result.ms)} ms`), result);
    if (known?.status === 'done' && (await hasFiles(runFolder(options.outDir, id), known.files))) {
      log(`run ${id} was already done (attempt ${known.attempts ?? 1}); not run again`);
      return { status: 'done', files: known.files, errors: [], ms: known.ms ?? 0 };
    }
    if (cancelled) return logged(await settle({ status: 'cancelled', files: [], errors: [], ms: 0 }));
    const engine = idle.pop() ?? startEngine();
    active.set(id, engine);
    try {
      Object.assign(base, { status: 'running', started: new Date().toISOString(), worker: me, attempts: (known?.attempts ?? 0) + 1 });
      // A cancel sent before this worker was listening for it left its flag.
      const replies = await redis.multi().set(stateKey(id), JSON.stringify(base)).exists(cancelKey(id)).exec();
      if (replies?.[1]?.[1]) stopping.add(id);
      log(`run ${id} started (attempt ${base.attempts})`);
      let finished: ApiEvent | undefined;
      let told = false;
      const result = await runIntoFolder(engine, run, options.outDir, options.catalog, (e) => {
        if (stopping.has(id) && !told) {
          told = true;
          void engine.api.cancel();
        }
        const event = apiEvent(id, e);
        if (event.type === 'run-finished') finished = event;
        else emit(event);
      });
      return logged(await settle(result, finished));
    } finally {
      clearTimeout(timer);
      active.delete(id);
      stopping.delete(id);
      idle.push(engine);
    }
  };
  const startEngine = () => {
    const engine = startNodeEngine({ modelRoots: options.modelRoots, threads: options.threads });
    all.push(engine);
    return engine;
  };

  const workerRedis = connect(url);
  const worker = new Worker<PlannedRun, FolderRun>(QUEUE, process_, {
    connection: workerRedis, prefix: PREFIX, concurrency: options.concurrency,
    lockDuration: options.lockMs, stalledInterval: Math.max(500, Math.round(options.lockMs / 2)), maxStalledCount: 5,
  });
  worker.on('error', (e) => log(`warning: ${clip(e.message, 200)}`));
  worker.on('failed', (job, e) => {
    if (!job) return;
    log(`run ${job.id} attempt ${job.attemptsMade} failed: ${clip(e.message, 500)}`);
    if (job.attemptsMade < ATTEMPTS) return;
    void redis.get(stateKey(job.id!)).then((text) => {
      const state = parseState(text);
      if (!state) return;
      const failed: RunState = { ...state, status: 'failed', errors: [clip(e.message, 2000)], finished: new Date().toISOString() };
      return redis.set(stateKey(job.id!), JSON.stringify(failed)).then(() => emitFinal(job.id!));
    }).catch(() => {});
  });
  const emitFinal = (id: string) => redis.xadd(eventsKey(id), 'MAXLEN', '~', MAX_EVENTS, '*', 'e', JSON.stringify({ type: 'run-finished', runId: id, status: 'failed', ms: 0 }));
  await worker.waitUntilReady();
  log(`worker ${me} takes runs from ${redactUrl(url)} (${options.concurrency} at a time), writing to ${options.outDir}`);

  return {
    async close() {
      await worker.close();
      await Promise.all(all.map((e) => e.close()));
      workerRedis.disconnect();
      subscriber.disconnect();
      redis.disconnect();
    },
  };
}

async function hasFiles(folder: string, files: readonly string[]): Promise<boolean> {
  const there = await Promise.all(files.map(async (f) => {
    try {
      await access(containedPath(folder, f, 'output file'));
      return true;
    } catch {
      return false;
    }
  }));
  return there.every(Boolean);
}

/** A Redis URL without its password, for a log line. */
export function redactUrl(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return clip(url, 80);
  }
}
