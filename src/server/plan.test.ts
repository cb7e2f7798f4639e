import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../nodes/registry.ts';
import { MAX_RUNS, planRuns } from './plan.ts';

const registry = builtinRegistry();
const graph = readFileSync(new URL('../../graphs/default.json', import.meta.url), 'utf8');

const plan = (request: Parameters<typeof planRuns>[2]) => planRuns(graph, registry, request);
const runs = (request: Parameters<typeof planRuns>[2]) => {
  const p = plan(request);
  if (!p.ok) throw new Error(p.problems.join('\n'));
  return p.runs;
};
const param = (run: { doc: { nodes: { id: string; params: Record<string, unknown> }[] } }, node: string, name: string) =>
  run.doc.nodes.find((n) => n.id === node)!.params[name];

describe('planning runs from overrides and sweeps', () => {
  it('sets a param by node id or by title, parsed as its kind', () => {
    const [run] = runs({ set: [['noise.seed', '7'], ['Positive prompt.text', 'a pear'], ['scheduler.karras', 'true']] });
    expect([param(run, 'noise', 'seed'), param(run, 'positive', 'text'), param(run, 'scheduler', 'karras')]).toEqual([7, 'a pear', true]);
    expect(run.overrides).toEqual({ 'noise.seed': 7, 'positive.text': 'a pear', 'scheduler.karras': true });
    expect(run.label).toBe('');
  });

  it('sweeps ranges either way round, lists, and every combination of several sweeps, the first slowest', () => {
    expect(runs({ sweep: [['noise.seed', '3..1']] }).map((r) => param(r, 'noise', 'seed'))).toEqual([3, 2, 1]);
    const grid = runs({ sweep: [['noise.seed', '1..2'], ['scheduler.sampler', 'euler,ddim,pndm']] });
    expect(grid.map((r) => `${param(r, 'noise', 'seed')}/${param(r, 'scheduler', 'sampler')}`)).toEqual(['1/euler', '1/ddim', '1/pndm', '2/euler', '2/ddim', '2/pndm']);
    expect(grid.map((r) => r.label)).toContain('noise.seed-2_scheduler.sampler-3');
    expect(new Set(grid.map((r) => r.id)).size).toBe(6);
  });

  it('makes one run per prompt line, labelled by line number', () => {
    const lines = runs({ prompts: { node: 'positive', lines: ['a cat', 'a dog'] } });
    expect(lines.map((r) => [param(r, 'positive', 'text'), r.label])).toEqual([['a cat', 'positive.text-1'], ['a dog', 'positive.text-2']]);
  });

  it('gives a run the same id however it is asked for, and another id when anything it computes differs', () => {
    const [set] = runs({ set: [['noise.seed', 5]] });
    const swept = runs({ sweep: [['noise.seed', '4..6']] })[1];
    expect(swept.id).toBe(set.id);
    expect(runs({ set: [['noise.seed', 6]] })[0].id).not.toBe(set.id);
    expect(runs({ set: [['noise.seed', 5]], steps: true })[0].id).not.toBe(set.id);
    expect(set.id).toMatch(/^[0-9a-f]{32}$/);
  });

  it('lists every problem, each naming the override, its node and its param', () => {
    const p = plan({
      set: [['nosuch.seed', 1], ['noise.sed', 1], ['noise.width', '0'], ['seed', 3], ['noise.seed', 'x']],
      sweep: [['noise.height', '8..9'], ['Noise.height', '1..2'], ['scheduler.sampler', 'euler,nope']],
      prompts: { lines: ['a'] },
      targets: ['ghost'],
    });
    expect(p).toEqual({ ok: false, problems: [
      'set "nosuch.seed": no node has the id or title "nosuch"',
      'set "noise.sed": node "noise" (diffusion.noise) has no param "sed" (its params: seed, width, height, batch)',
      'set "noise.width": node "noise" (diffusion.noise) param "width" must be at least 8 (got 0)',
      'set "seed": must be NODE.PARAM (a node id or title, a dot, a param name)',
      'set "noise.seed": node "noise" (diffusion.noise) param "seed" must be a whole number (got "x")',
      'sweep "noise.height" is given more than once',
      expect.stringMatching(/^sweep "scheduler\.sampler": node "scheduler" \(diffusion\.scheduler\) param "sampler" must be one of "[^]*" \(got "nope"\)$/),
      'prompts: the graph has 2 Prompt nodes ("positive", "negative"): name one as NODE=FILE',
      'target "ghost" is not a node of this graph',
    ] });
  });

  it('refuses a sweep past the limit before making its runs', () => {
    expect(plan({ sweep: [['noise.seed', `1..${MAX_RUNS + 1}`]] })).toEqual({ ok: false, problems: [`sweep "noise.seed": range "1..${MAX_RUNS + 1}" has ${MAX_RUNS + 1} values; at most ${MAX_RUNS} fit in one submission`] });
    expect(plan({ sweep: [['noise.seed', '1..200'], ['noise.width', '8..207']] })).toEqual({ ok: false, problems: [`the sweep asks for 40000 runs; at most ${MAX_RUNS} fit in one submission`] });
  });

  it('reports an invalid graph as the loader does', () => {
    const bad = JSON.parse(graph);
    bad.nodes[0].type = 'no.such';
    const p = planRuns(bad, registry, { set: [['noise.seed', 1]] });
    expect(p.ok).toBe(false);
    expect(!p.ok && p.problems[0]).toMatch(/no\.such/);
  });
});
