// A 30-run seed sweep three ways: `latent-loom run --sweep` in one process, and `serve --redis` with one and
// with two worker processes on this machine. Each way starts fresh engines (workers are restarted between
// batches, the CLI makes one per sweep), so the queue path is not flattered by warm caches. Two figures
// per way: the batch's wall time over its runs (engine start and model loading included), and the
// steady rate, from the first run's end to the last's over the 29 runs between (what a long sweep
// costs a run). The queue's ratio to the direct path, per batch pair run back to back, is what it costs.
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

  interface Batch { whole: number; steady: number }
  const direct = async (): Promise<Batch> => {
    const ends: number[] = [];
    const t0 = performance.now();
    const code = await main(['run', file, '--out', join(dir, `cli-${batch}`), '--sweep', `noise.seed=${seeds()}`, '--threads', '1'], (line) => {
      if (/^run \d+\/\d+ \(.*\) done in /.test(line)) ends.push(performance.now());
    });
    if (code !== 0) throw new Error(`the CLI sweep exited ${code}`);
    return { whole: (performance.now() - t0) / RUNS, steady: (ends[RUNS - 1] - ends[0]) / (RUNS - 1) };
  };
  const queued = (workers: number) => async (): Promise<Batch> => {
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
      const whole = (performance.now() - t0) / RUNS;
      const ends = procs.flatMap((p) => p.times.filter((_, i) => / done in /.test(p.lines[i]))).sort((a, b) => a - b);
      return { whole, steady: (ends[RUNS - 1] - ends[0]) / (RUNS - 1) };
    } finally {
      await Promise.all(procs.map((p) => p.stop()));
    }
  };

  const times: Record<'direct' | 'one' | 'two', Batch[]> = { direct: [], one: [], two: [] };
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
  /** The ratio of each batch to the direct batch run just before it: drift on a shared machine mostly cancels. */
  const ratios = (way: Batch[], key: keyof Batch) => way.map((b, i) => b[key] / times.direct[i][key]);
  const ratio = (xs: number[]) => `${fmt(median(xs))} (min ${fmt(Math.min(...xs))}, max ${fmt(Math.max(...xs))})`;
  const report: Record<string, string> = {};
  for (const [way, name] of [['direct', 'direct CLI sweep'], ['one', 'serve --redis + 1 worker'], ['two', 'serve --redis + 2 workers']] as const) {
    report[`queue: ${name}, per run`] = summary(times[way].map((b) => b.whole));
    report[`queue: ${name}, per run steady`] = summary(times[way].map((b) => b.steady));
  }
  report['queue: 1 worker / direct, per run'] = ratio(ratios(times.one, 'whole'));
  report['queue: 1 worker / direct, steady (at most 1.10)'] = ratio(ratios(times.one, 'steady'));
  report['queue: 2 workers / direct, per run'] = ratio(ratios(times.two, 'whole'));
  report['queue: 2 workers / direct, steady'] = ratio(ratios(times.two, 'steady'));
  return report;
}
