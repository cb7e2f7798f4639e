import { mkdtemp, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue } from 'bullmq';
import { afterAll, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../nodes/registry.ts';
import { cliProcess, startRedis, type Proc, type TestRedis } from '../../test/processes.ts';
import { readEvents } from '../../test/sse.ts';
import { main } from '../cli/main.ts';
import { planRuns } from './plan.ts';
import type { RunState } from './runs.ts';
import { startServer, type RunningServer } from './start.ts';

const RUNS = 30;
let redis: TestRedis | undefined;
let server: RunningServer | undefined;
const workers: Proc[] = [];

afterAll(async () => {
  await server?.close();
  await Promise.all(workers.map((w) => w.stop('SIGKILL')));
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((wake) => setTimeout(wake, ms));

/** Polls until `ready` says so, at most `ms`. */
async function until(what: string, ready: () => Promise<boolean> | boolean, ms: number) {
  const deadline = Date.now() + ms;
  while (!(await ready())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

const doneLines = (w: Proc) => w.lines.filter((l) => /^run [0-9a-f]{32} done in/.test(l));

describe('runs on a BullMQ queue in Redis, taken by worker processes', () => {
  it('does 30 runs on 2 workers, each once and with the bytes of a single-process run, through a worker killed mid-run and a Redis restart', async () => {
    redis = await startRedis();
    const dir = await mkdtemp(join(tmpdir(), 'loom-queue-'));
    const out = join(dir, 'runs');
    server = await startServer({ catalog: builtinRegistry(), host: '127.0.0.1', port: 0, outDir: out, modelRoots: [], redis: redis.url });
    for (let i = 0; i < 2; i++) workers.push(cliProcess('worker', '--redis', redis.url, '--out', out, '--threads', '1', '--lock-ms', '3000'));
    await Promise.all(workers.map((w) => w.waitFor(/^worker \S+ takes runs from redis:/, 60_000)));
    const [doomed, survivor] = workers;

    const graph = JSON.parse(await readFile(new URL('../../graphs/default.json', import.meta.url), 'utf8'));
    graph.nodes.find((n: { id: string }) => n.id === 'scheduler').params.steps = 2;
    const submit = async () => {
      const res = await fetch(`${server!.url}/runs`, { method: 'POST', body: JSON.stringify({ graph, sweep: { 'noise.seed': `1..${RUNS}` } }) });
      expect(res.status).toBe(202);
      return (await res.json()).runs as RunState[];
    };
    const runs = await submit();
    expect(runs.map((r) => r.status)).toEqual(Array(RUNS).fill('queued'));

    // Killed the moment it starts its third run, so that run is in the middle.
    await until('the doomed worker to start two runs', () => doomed.lines.filter((l) => / started /.test(l)).length >= 2, 60_000);
    const started = await doomed.waitFor(/^run [0-9a-f]{32} started/, 60_000, doomed.lines.length);
    doomed.child.kill('SIGKILL');
    await doomed.exited;
    const lost = /^run ([0-9a-f]{32})/.exec(started)![1];
    expect(doneLines(doomed).some((l) => l.includes(lost))).toBe(false);

    // Redis shuts down (writing its append-only file) and comes back while the survivor works through the rest.
    await until('a few more runs', () => doneLines(survivor).length >= 8, 60_000);
    expect(doneLines(survivor).length + doneLines(doomed).length).toBeLessThan(RUNS - 5);
    await redis.restart();

    const state = async (id: string) => (await (await fetch(`${server!.url}/runs/${id}`)).json()) as RunState;
    await until('every run to finish', async () => (await Promise.all(runs.map((r) => state(r.id)))).every((s) => s.status === 'done'), 90_000);
    const states = await Promise.all(runs.map((r) => state(r.id)));
    expect(states.every((s) => s.files.length === 1 && s.files[0] === 'output.png')).toBe(true);
    expect(states.find((s) => s.id === lost)).toMatchObject({ attempts: 2, worker: expect.stringMatching(new RegExp(`:${survivor.child.pid}$`)) });

    // Each run was completed once, by one worker.
    const completed = [...doneLines(doomed), ...doneLines(survivor)].map((l) => l.split(' ')[1]).sort();
    expect(completed).toEqual(runs.map((r) => r.id).sort());
    expect((await readdir(out)).filter((d) => !d.startsWith('.partial')).sort()).toEqual(runs.map((r) => r.id).sort());

    if (process.env.LATENT_LOOM_TEST_LOGS) console.log([...doomed.lines, '--', ...survivor.lines].join('\n'));
    // The same submission again is the same runs, all done; nothing new is queued.
    expect((await submit()).map((r) => [r.id, r.status])).toEqual(runs.map((r) => [r.id, 'done']));
    expect(await server.backend.pending()).toBe(0);

    // A job handed out again after its run was recorded done (BullMQ's reply lost to a restart) is not run twice.
    const again = planRuns(graph, builtinRegistry(), { sweep: [['noise.seed', `1..${RUNS}`]] });
    if (!again.ok) throw new Error(again.problems.join('; '));
    expect(again.runs[0].id).toBe(runs[0].id);
    const before = (await stat(join(out, runs[0].id, 'output.png'))).mtimeMs;
    const queue = new Queue('runs', { connection: { url: redis.url }, prefix: 'latent-loom' });
    await queue.add('run', again.runs[0], { jobId: again.runs[0].id, removeOnComplete: true });
    await survivor.waitFor(new RegExp(`^run ${runs[0].id} was already done`), 30_000);
    await queue.close();
    expect(doneLines(survivor).filter((l) => l.includes(runs[0].id)).length + doneLines(doomed).filter((l) => l.includes(runs[0].id)).length).toBe(1);
    expect((await stat(join(out, runs[0].id, 'output.png'))).mtimeMs).toBe(before);

    // Progress came through Redis: a finished run's stream replays it.
    const seen = await readEvents(`${server.url}/runs/${runs[0].id}/events`);
    expect([seen[0].type, seen.at(-1)]).toEqual(['run-started', { type: 'run-finished', runId: runs[0].id, status: 'done', ms: expect.any(Number) }]);
    expect(seen.filter((e) => e.type === 'node-progress' && e.nodeId === 'denoise').map((e) => e.type === 'node-progress' && e.step)).toEqual([1, 2]);

    // Cancel: a queued run at once, a running one between steps, by the worker that has it.
    graph.nodes.find((n: { id: string }) => n.id === 'scheduler').params.steps = 400;
    const long = await submit();
    expect((await (await fetch(`${server.url}/runs/${long[RUNS - 1].id}/cancel`, { method: 'POST' })).json()).status).toBe('cancelled');
    const stream = await readEvents(`${server.url}/runs/${long[0].id}/events`, (e) => {
      if (e.type === 'node-progress' && e.nodeId === 'denoise') void fetch(`${server!.url}/runs/${long[0].id}/cancel`, { method: 'POST' });
    });
    expect(stream.at(-1)).toMatchObject({ type: 'run-finished', status: 'cancelled' });
    expect(await state(long[0].id)).toMatchObject({ status: 'cancelled', files: [] });
    for (const run of long.slice(1, -1)) await fetch(`${server.url}/runs/${run.id}/cancel`, { method: 'POST' });
    await until('the long runs to stop', async () => (await Promise.all(long.map((r) => state(r.id)))).every((s) => s.status === 'cancelled'), 30_000);
    graph.nodes.find((n: { id: string }) => n.id === 'scheduler').params.steps = 2;

    // The same bytes as one process sweeping the same seeds.
    await writeFile(join(dir, 'graph.json'), JSON.stringify(graph));
    expect(await main(['run', join(dir, 'graph.json'), '--out', join(dir, 'cli'), '--sweep', `noise.seed=1..${RUNS}`, '--threads', '1'], () => {})).toBe(0);
    for (let i = 0; i < RUNS; i++) {
      const [queued, direct] = await Promise.all([readFile(join(out, runs[i].id, 'output.png')), readFile(join(dir, 'cli', `output.noise.seed-${i + 1}.png`))]);
      expect(queued.equals(direct), `seed ${i + 1}`).toBe(true);
    }
  });
});
