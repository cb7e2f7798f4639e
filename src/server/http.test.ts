import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../nodes/registry.ts';
import { readEvents } from '../../test/sse.ts';
import { main } from '../cli/main.ts';
import { planRuns } from './plan.ts';
import type { ApiEvent } from './runs.ts';
import { startServer, type RunningServer } from './start.ts';

const registry = builtinRegistry();
const readJson = async (url: URL) => JSON.parse(await readFile(url, 'utf8'));
/** The default graph on the bundled tiny models, with `steps` steps. */
async function defaultGraph(steps: number) {
  const graph = await readJson(new URL('../../graphs/default.json', import.meta.url));
  graph.nodes.find((n: { id: string }) => n.id === 'scheduler').params.steps = steps;
  return graph;
}
const convNet = () => readJson(new URL('../cli/fixtures/conv-net-filter.json', import.meta.url));

let dir: string;
let open: RunningServer;
let guarded: RunningServer;
const TOKEN = 'correct horse battery staple';

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'loom-api-'));
  const common = { catalog: registry, host: '127.0.0.1', port: 0, modelRoots: [], threads: 1 };
  open = await startServer({ ...common, outDir: join(dir, 'runs'), maxBodyBytes: 64 * 1024 });
  guarded = await startServer({ ...common, outDir: join(dir, 'guarded'), token: TOKEN, maxQueue: 1 });
});
afterAll(async () => {
  await open?.close();
  await guarded?.close();
});

const post = (server: RunningServer, path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${server.url}${path}`, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers } });

const events = (server: RunningServer, id: string, onEvent?: (e: ApiEvent) => void) => readEvents(`${server.url}/runs/${id}/events`, onEvent);

/** What `latent-loom run` prints for the graph and options, each problem without its "error: ". */
async function cliProblems(graph: unknown, ...options: string[]): Promise<string[]> {
  const file = join(dir, `graph-${Math.random().toString(36).slice(2)}.json`);
  await writeFile(file, typeof graph === 'string' ? graph : JSON.stringify(graph));
  const lines: string[] = [];
  expect(await main(['run', file, '--out', join(dir, 'never'), ...options], (l) => lines.push(l))).toBe(2);
  return lines.map((l) => l.replace(/^error: /, ''));
}

describe('the HTTP API', () => {
  it('runs a submitted sweep: run ids, progress events in order, the files, and the same runs when submitted again', async () => {
    const graph = await defaultGraph(2);
    const res = await post(open, '/runs', { graph, sweep: { 'noise.seed': '1..2' } });
    expect(res.status).toBe(202);
    const { runs } = await res.json();
    const plan = planRuns(graph, registry, { sweep: [['noise.seed', '1..2']] });
    expect(runs.map((r: { id: string }) => r.id)).toEqual(plan.ok && plan.runs.map((r) => r.id));
    expect(runs.map((r: { overrides: unknown }) => r.overrides)).toEqual([{ 'noise.seed': 1 }, { 'noise.seed': 2 }]);

    const seen = await events(open, runs[1].id);
    expect(seen[0].type).toBe('run-started');
    expect(seen.at(-1)).toEqual({ type: 'run-finished', runId: runs[1].id, status: 'done', ms: expect.any(Number) });
    expect(seen.every((e) => e.runId === runs[1].id)).toBe(true);
    const at = (type: string, node: string) => seen.findIndex((e) => e.type === type && 'nodeId' in e && e.nodeId === node);
    const plannedNodes = (seen[0] as { plan: string[] }).plan;
    for (const node of plannedNodes) expect(at('node-started', node)).toBeLessThan(at('node-finished', node));
    const steps = seen.filter((e) => e.type === 'node-progress' && e.nodeId === 'denoise').map((e) => e.type === 'node-progress' && e.step);
    expect(steps).toEqual([1, 2]);
    expect(seen.findIndex((e) => e.type === 'node-progress')).toBeGreaterThan(at('node-started', 'denoise'));

    const state = await (await fetch(`${open.url}/runs/${runs[1].id}`)).json();
    expect(state).toMatchObject({ id: runs[1].id, status: 'done', files: ['output.png'], attempts: 1 });
    const png = Buffer.from(await (await fetch(`${open.url}/runs/${runs[1].id}/files/output.png`)).arrayBuffer());
    // The bytes `latent-loom run --set noise.seed=2` writes.
    const single = join(dir, 'single');
    await writeFile(join(dir, 'graph.json'), JSON.stringify(graph));
    expect(await main(['run', join(dir, 'graph.json'), '--out', single, '--set', 'noise.seed=2', '--steps', 'false', '--threads', '1'], () => {})).toBe(0);
    expect(png.equals(await readFile(join(single, 'output.png')))).toBe(true);

    const again = await (await post(open, '/runs', { graph, sweep: { 'noise.seed': [1, 2] } })).json();
    expect(again.runs.map((r: { id: string; status: string }) => [r.id, r.status])).toEqual(runs.map((r: { id: string }) => [r.id, 'done']));
    // The graph file itself as the body, the sweep in the query, as curl --data-binary @graph.json sends it.
    const raw = await (await fetch(`${open.url}/runs?sweep=noise.seed=1..2`, { method: 'POST', body: JSON.stringify(graph) })).json();
    expect(raw.runs.map((r: { id: string }) => r.id)).toEqual(runs.map((r: { id: string }) => r.id));
    // A finished run's stream replays its events and ends.
    expect((await events(open, runs[1].id)).map((e) => e.type)).toEqual(seen.map((e) => e.type));
  });

  it('cancels a queued run at once and a running one between steps', async () => {
    const graph = await defaultGraph(400);
    const { runs } = await (await post(open, '/runs', { graph, sweep: { 'noise.seed': '98..99' } })).json();
    expect((await (await post(open, `/runs/${runs[1].id}/cancel`, '')).json()).status).toBe('cancelled');
    const seen = await events(open, runs[0].id, (e) => {
      if (e.type === 'node-progress' && e.step === 1) void post(open, `/runs/${runs[0].id}/cancel`, '');
    });
    expect(seen.at(-1)).toMatchObject({ type: 'run-finished', status: 'cancelled' });
    expect(seen.filter((e) => e.type === 'node-progress').length).toBeLessThan(400);
    const state = await (await fetch(`${open.url}/runs/${runs[0].id}`)).json();
    expect(state).toMatchObject({ status: 'cancelled', files: [] });
    expect((await readdir(join(dir, 'runs'))).filter((d) => d === runs[0].id || d === runs[1].id || d.startsWith('.partial'))).toEqual([]);
  });

  it('answers 400 with every problem of a bad submission, in the words of the CLI', async () => {
    const invalid = await convNet();
    invalid.nodes[0].params.width = 0;
    invalid.edges.pop();
    const unknownType = await convNet();
    unknownType.nodes[1].type = 'model.nope';
    const cases: [unknown, Record<string, unknown>, string[]][] = [
      [invalid, {}, []],
      [unknownType, {}, []],
      ['{"format": "latent-loom/graph", "nodes": [', {}, []],
      [await defaultGraph(2), { set: { 'noise.seed': -1 }, sweep: { 'noise.colour': '1..3' } }, ['--set', 'noise.seed=-1', '--sweep', 'noise.colour=1..3']],
    ];
    for (const [graph, overrides, options] of cases) {
      const res = await post(open, '/runs', { graph, ...overrides });
      expect(res.status).toBe(400);
      const { problems } = await res.json();
      expect(problems.length).toBeGreaterThan(0);
      expect(problems).toEqual(await cliProblems(graph, ...options));
    }
    const query = await fetch(`${open.url}/runs?set=noise.seed%3D-1&sweep=noise.colour=1..3`, { method: 'POST', body: JSON.stringify(cases[3][0]) });
    expect([query.status, (await query.json()).problems]).toEqual([400, await cliProblems(cases[3][0], ...cases[3][2])]);
    const shape = await post(open, '/runs', { set: [1], sweep: { 'noise.seed': 5 }, colour: 'red' });
    expect(shape.status).toBe(400);
    expect((await shape.json()).problems).toEqual([
      'unknown field "colour" (fields: graph, set, sweep, prompts, targets, steps)',
      '"graph" is missing: the graph document, as saved by the editor',
      '"set" must be an object of "NODE.PARAM": value (got [1])',
      'sweep "noise.seed" must be "A..B", "X,Y,Z" or a list (got 5)',
    ]);
    const notJson = await post(open, '/runs', '{"graph": ');
    expect([notJson.status, (await notJson.json()).problems[0]]).toEqual([400, expect.stringMatching(/^the request body is not JSON: /)]);
  });

  it('answers 413 to a body past the limit, 404 to paths that leave a run folder, and lists the models', async () => {
    const big = await post(open, '/runs', { graph: await convNet(), padding: 'x'.repeat(100 * 1024) });
    expect(big.status).toBe(413);
    expect((await big.json()).problems).toEqual([`the request body is larger than ${64 * 1024} bytes`]);
    for (const path of ['/runs/..%2F..%2Fpackage.json', `/runs/${'0'.repeat(32)}`, '/runs/../../etc/passwd', '/nowhere']) {
      expect((await fetch(`${open.url}${path}`)).status, path).toBe(404);
    }
    const [done] = (await (await post(open, '/runs', { graph: await defaultGraph(2), set: { 'noise.seed': 1 } })).json()).runs;
    for (const name of ['..%2F..%2Fpackage.json', '%2Fetc%2Fpasswd', 'runs.jsonl', 'output.png%00']) {
      expect((await fetch(`${open.url}/runs/${done.id}/files/${name}`)).status, name).toBe(404);
    }
    const { models } = await (await fetch(`${open.url}/models`)).json();
    expect(models.map((m: { id: string }) => m.id)).toEqual(expect.arrayContaining(['test-conv-net', 'loom-emoji-sd']));
  });

  it('wants the bearer token when one is set, and refuses more runs than the queue takes', async () => {
    expect((await fetch(`${guarded.url}/health`)).status).toBe(200);
    const bare = await fetch(`${guarded.url}/models`);
    expect([bare.status, bare.headers.get('www-authenticate')]).toEqual([401, 'Bearer']);
    expect((await fetch(`${guarded.url}/models`, { headers: { Authorization: 'Bearer wrong' } })).status).toBe(401);
    expect((await post(guarded, '/runs', { graph: await convNet() })).status).toBe(401);
    const auth = { Authorization: `Bearer ${TOKEN}` };
    expect((await fetch(`${guarded.url}/models`, { headers: auth })).status).toBe(200);
    const tooMany = await post(guarded, '/runs', { graph: await convNet(), sweep: { 'gradient.blue': [0.1, 0.2] } }, auth);
    expect([tooMany.status, (await tooMany.json()).problems]).toEqual([429, ['the queue holds 0 runs and takes at most 1: 2 more do not fit']]);
    await expect(startServer({ catalog: registry, host: '0.0.0.0', port: 0, outDir: join(dir, 'x'), modelRoots: [] })).rejects.toThrow(/set a token/);
  });
});
