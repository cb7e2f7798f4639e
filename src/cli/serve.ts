// `latent-loom serve` and `latent-loom worker`: the HTTP API, and the processes that take runs off its queue.
import { resolve } from 'node:path';
import { builtinRegistry } from '../../nodes/registry.ts';
import { userModelRoots } from '../models/disk.ts';
import { makeDirectory } from '../runtime/paths.ts';
import { DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_QUEUE } from '../server/http.ts';
import { startWorker, redactUrl } from '../server/queue.ts';
import { startServer } from '../server/start.ts';
import { checkFlags, flag, intFlag, UsageError, wantsHelp, type Args } from './args.ts';
import { MAX_THREADS } from './run.ts';

export const SERVE_USAGE = `  latent-loom serve [--host 127.0.0.1] [--port 8188] [--out DIR] [--redis URL] [--token TOKEN]
                    [--max-body BYTES] [--max-queue N] [--models DIR]... [--threads N]

  An HTTP API (docs/openapi.yaml): POST /runs with a graph and its overrides or a sweep, GET
  /runs/ID, /runs/ID/events (server-sent events), /runs/ID/files/NAME, POST /runs/ID/cancel,
  GET /models. Each run's files go into --out/<run id>/ (default ./runs).
  --redis URL      put runs on a BullMQ queue in Redis for \`latent-loom worker\` processes instead
                   of running them here (redis://[:PASSWORD@]HOST:PORT[/DB])
  --token TOKEN    require "Authorization: Bearer TOKEN" (or set LATENT_LOOM_TOKEN); required when
                   --host is not a loopback address
  --max-body N     largest request body in bytes (default ${DEFAULT_MAX_BODY_BYTES}); larger ones get 413
  --max-queue N    most runs waiting or running (default ${DEFAULT_MAX_QUEUE}); more get 429
  Runs until interrupted (Ctrl-C or SIGTERM).`;

export const WORKER_USAGE = `  latent-loom worker --redis URL [--out DIR] [--concurrency N] [--threads N] [--models DIR]...
                     [--lock-ms N]

  Takes runs off the queue of \`serve --redis URL\` and writes each run's files into --out/<run id>/
  (default ./runs: the folder the server reads, shared between machines). Start as many as you like,
  on as many machines. A worker that stops mid-run (killed, machine lost) is noticed once its lock
  lapses, and the run is done again by another.
  --concurrency N  runs at once, each with its own engine (default 1)
  --lock-ms N      how long a run's lock lasts unrenewed (default 30000)
  Runs until interrupted (Ctrl-C or SIGTERM): the runs in progress are finished first; a second
  interrupt stops at once, and those runs are done again by another worker once their locks lapse.`;

/** Resolves on SIGINT or SIGTERM. */
function interrupted(): Promise<void> {
  return new Promise((stop) => {
    process.once('SIGINT', () => stop());
    process.once('SIGTERM', () => stop());
  });
}

function modelRoots(args: Args): string[] {
  return [...(args.flags.get('models') ?? []).map((d) => resolve(d)), ...userModelRoots()];
}

export async function serveCommand(args: Args, log: (line: string) => void, until = interrupted): Promise<number> {
  if (wantsHelp(args)) return log(`usage:\n${SERVE_USAGE}`), 0;
  checkFlags(args, ['host', 'port', 'out', 'redis', 'token', 'max-body', 'max-queue', 'models', 'threads'], SERVE_USAGE);
  if (args.positionals.length > 0) throw new UsageError(`usage:\n${SERVE_USAGE}`);
  const server = await startServer({
    catalog: builtinRegistry(),
    host: flag(args, 'host') ?? '127.0.0.1',
    port: intFlag(args, 'port', 0, 65535) ?? 8188,
    outDir: resolve(flag(args, 'out') ?? 'runs'),
    modelRoots: modelRoots(args),
    redis: flag(args, 'redis'),
    token: flag(args, 'token') ?? (process.env.LATENT_LOOM_TOKEN || undefined),
    threads: intFlag(args, 'threads', 1, MAX_THREADS),
    maxBodyBytes: intFlag(args, 'max-body', 1, 1024 ** 3),
    maxQueue: intFlag(args, 'max-queue', 1, 1_000_000),
    warn: (w) => log(`warning: ${w}`),
  }).catch((e: Error) => Promise.reject(new UsageError(e.message)));
  const redis = flag(args, 'redis');
  log(`serving on ${server.url} (${redis ? `runs go on the queue at ${redactUrl(redis)}` : 'runs run here'}; files in ${server.backend.outDir})`);
  await until();
  // Bounded: with Redis gone, closing the queue's connections would wait for it forever.
  const closed = await Promise.race([server.close().then(() => true), new Promise<boolean>((late) => setTimeout(late, 10_000, false).unref())]);
  if (!closed) log('warning: stopped without closing every connection (is Redis reachable?)');
  return 0;
}

export async function workerCommand(args: Args, log: (line: string) => void, until = interrupted): Promise<number> {
  if (wantsHelp(args)) return log(`usage:\n${WORKER_USAGE}`), 0;
  checkFlags(args, ['redis', 'out', 'concurrency', 'threads', 'models', 'lock-ms'], WORKER_USAGE);
  const url = flag(args, 'redis');
  if (!url || args.positionals.length > 0) throw new UsageError(`usage:\n${WORKER_USAGE}`);
  const outDir = await makeDirectory(resolve(flag(args, 'out') ?? 'runs'), '--out folder').catch((e: Error) => Promise.reject(new UsageError(e.message)));
  const worker = await startWorker({
    url, outDir, catalog: builtinRegistry(), modelRoots: modelRoots(args),
    concurrency: intFlag(args, 'concurrency', 1, 64) ?? 1,
    threads: intFlag(args, 'threads', 1, MAX_THREADS),
    lockMs: intFlag(args, 'lock-ms', 1000, 3_600_000) ?? 30_000,
    log,
  });
  await until();
  log('finishing the runs in progress… (interrupt again to stop at once: another worker will take them)');
  await worker.close();
  return 0;
}
