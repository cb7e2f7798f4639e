// Processes for tests of the server and the queue: a redis-server of their own on a free loopback port
// (with an append-only file, so it can be restarted without losing what it held), and CLI processes
// whose output lines can be waited for. Everything started here is stopped by the test that started it.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const BIN = fileURLToPath(new URL('../bin/latent-loom.mjs', import.meta.url));
const REDIS = process.env.LATENT_LOOM_REDIS_SERVER ?? 'redis-server';

/** A port free on 127.0.0.1 now (Redis cannot be told to pick one itself). */
export function freePort(): Promise<number> {
  return new Promise((found, failed) => {
    const server = createServer();
    server.once('error', failed);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => found(port));
    });
  });
}

/** A child process whose stdout and stderr lines are kept, and can be waited for. */
export class Proc {
  readonly lines: string[] = [];
  /** When each line arrived (performance.now()). */
  readonly times: number[] = [];
  readonly exited: Promise<number | null>;
  private readonly waiters = new Set<() => void>();

  constructor(readonly child: ChildProcess) {
    let partial = '';
    const take = (chunk: Buffer) => {
      const parts = (partial + chunk.toString('utf8')).split('\n');
      partial = parts.pop()!;
      this.lines.push(...parts);
      const now = performance.now();
      for (let i = 0; i < parts.length; i++) this.times.push(now);
      for (const w of [...this.waiters]) w();
    };
    child.stdout?.on('data', take);
    child.stderr?.on('data', take);
    this.exited = new Promise((done) => child.once('exit', (code) => done(code)));
  }

  /** Resolves with the first line matching `pattern`, or fails after `ms`. */
  waitFor(pattern: RegExp, ms = 30_000, from = 0): Promise<string> {
    return new Promise((found, failed) => {
      const check = () => {
        const line = this.lines.slice(from).find((l) => pattern.test(l));
        if (line === undefined) return false;
        clearTimeout(timer);
        this.waiters.delete(check);
        found(line);
        return true;
      };
      const timer = setTimeout(() => {
        this.waiters.delete(check);
        failed(new Error(`no line matched ${pattern} within ${ms} ms; got:\n${this.lines.slice(-20).join('\n')}`));
      }, ms);
      if (!check()) this.waiters.add(check);
    });
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(timer);
  }
}

/** `latent-loom ARGS…` in a process of its own. */
export function cliProcess(...args: string[]): Proc {
  return new Proc(spawn(process.execPath, [BIN, ...args], { stdio: ['ignore', 'pipe', 'pipe'] }));
}

export interface TestRedis {
  url: string;
  port: number;
  dir: string;
  /** Shuts it down (writing its append-only file) and starts it again on the same port and folder. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

/** A redis-server of the test's own on a free loopback port, persisting to an append-only file in a temp folder. */
export async function startRedis(): Promise<TestRedis> {
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'loom-redis-'));
  const launch = async () => {
    const proc = new Proc(spawn(REDIS, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'yes', '--dir', dir], { stdio: ['ignore', 'pipe', 'pipe'] }));
    await proc.waitFor(/Ready to accept connections/, 15_000);
    return proc;
  };
  let proc = await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    port,
    dir,
    async restart() {
      await proc.stop('SIGTERM');
      proc = await launch();
    },
    stop: () => proc.stop('SIGTERM'),
  };
}
