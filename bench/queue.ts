// A 30-run seed sweep three ways: `latent-loom run --sweep` in one process, and `serve --redis` with one and
// with two worker processes on this machine. Per-run time is the batch's wall time over its runs; each
// way starts fresh engines (workers are restarted between batches, the CLI makes one per sweep), so the
// queue path is not flattered by warm caches. Its ratio to the direct path is what the queue costs.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { builtinRegistry } from '../nodes/registry.ts';
import { main } from '../src/cli/main.ts';
import { startServer } from '../src/server/start.ts';
import { cliProcess, startRedis, type Proc } from '../test/processes.ts';
import { fmt } from './stats.ts';

const RUNS = 30;
const TIMES = 5;
const STEPS = 4;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

export async function benchQueue(): Promise<Record<string, number | string>> {
  const dir = await mkdtemp(join(tmpdir(), 'loom-bench-queue-'));
  const graph = JSON.parse(await readFile(new URL('../graphs/default.json', import.meta.url), 'utf8'));
  graph.nodes.find((n: { id: string }) => n.id === 'scheduler').params.steps = STEPS;
  const file = join(dir, 'graph.json');
  await writeFile(file, JSON.stringify(graph));
  const redis = await startRedis();
  const out = join(dir, 'runs');
  const server = await startServer({ catalog: builtinRegistry(), host: '127.0.0.1', port: 0, outDir: out, modelRoots: [], redis: redis.url });
  console.log(`queue bench: default graph, ${STEPS} steps, ${RUNS} seeds a batch, ${TIMES} batches each way, 1 onnxruntime thread per engine`);
  let batch = 0;
  // Each batch sweeps seeds no earlier batch used, so no run is already done (a repeated run is not run again).
  const seeds = () => `${++batch * 1000 + 1}..${batch * 1000 + RUNS}`;

  const direct = async () => {
    const t0 = performance.now();
    const code = await main(['run', file, '--out', join(dir, `cli-${batch}`), '--sweep', `noise.seed=${seeds()}`, '--threads', '1'], () => {});
    if (code !== 0) throw new Error(`the CLI sweep exited ${code}`);
    return (performance.now() - t0) / RUNS;
  };
  const queued = (workers: number) => async () => {
    const procs: Proc[] = Array.from({ length: workers }, () => cliProcess('worker', '--redis', redis.url, '--out', out, '--threads', '1'));
    try {
      await Promise.all(procs.map((p) => p.waitFor(/^worker \S+ takes runs/, 60_000)));
      const done = () => procs.reduce((n, p) => n + p.lines.filter((l) => / done in /.test(l)).length, 0);
      const t0 = performance.now();
      const res = await fetch(`${server.url}/runs`, { method: 'POST', body: JSON.stringify({ graph, sweep: { 'noise.seed': seeds() } }) });
      if (res.status !== 202) throw new Error(`submission answered ${res.status}: ${await res.text()}`);
      // Every worker logs each run it completed; the batch is over when they add up to all of them.
      const deadline = Date.now() + 300_000;
      while (done() < RUNS) {
        if (Date.now() > deadline) throw new Error('the queued batch did not finish in 5 minutes');
        await Promise.race(procs.map((p) => p.waitFor(/ done in /, 5_000, p.lines.length).catch(() => '')));
      }
      return (performance.now() - t0) / RUNS;
    } finally {
      await Promise.all(procs.map((p) => p.stop()));
    }
  };

  const times: Record<string, number[]> = { direct: [], one: [], two: [] };
  try {
    // Interleaved, so drift on a shared machine hits each way alike.
    for (let i = 0; i < TIMES; i++) {
      times.direct.push(await direct());
      times.one.push(await queued(1)());
      times.two.push(await queued(2)());
    }
  } finally {
    await server.close();
    await redis.stop();
  }
  const summary = (xs: number[]) => `${fmt(median(xs), 1)} ms (min ${fmt(Math.min(...xs), 1)}, max ${fmt(Math.max(...xs), 1)})`;
  const ratio = (xs: number[]) => fmt(median(xs) / median(times.direct));
  return {
    'queue: direct CLI sweep, per run': summary(times.direct),
    'queue: serve --redis + 1 worker, per run': summary(times.one),
    'queue: serve --redis + 2 workers, per run': summary(times.two),
    'queue: 1 worker / direct (at most 1.10)': ratio(times.one),
    'queue: 2 workers / direct': ratio(times.two),
  };
}
