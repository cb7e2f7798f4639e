// From one graph and its overrides to the runs it asks for: `set` NODE.PARAM=VALUE on every run, each
// `sweep` NODE.PARAM over a range or a list (several sweeps: every combination), checked against the
// node's param spec. The CLI and the HTTP API plan through this one function, so they list the same
// problems in the same words, and a run's id is the content address of what it computes.
import type { Catalog, ParamSpec } from '../graph/catalog.ts';
import { paramProblem } from '../graph/params.ts';
import { clip, quote, safeFileName } from '../graph/text.ts';
import type { GraphDoc, GraphNode } from '../graph/types.ts';
import { loadGraph } from '../graph/validate.ts';
import { stableJson } from '../engine/hash.ts';
import { hash128 } from '../runtime/sha256.ts';

/** Most runs one submission (one sweep) may ask for. */
export const MAX_RUNS = 10_000;

/** What a caller asks for, values as given (text from a command line, or JSON values). */
export interface RunRequest {
  /** NODE.PARAM and its value, applied to every run. */
  set?: readonly (readonly [string, unknown])[];
  /** NODE.PARAM and its values: "1..100", "a,b,c" or a list. */
  sweep?: readonly (readonly [string, unknown])[];
  /** Lines of a prompt file for a Prompt node (named, or the graph's only one). */
  prompts?: { node?: string; lines: readonly string[] };
  targets?: readonly string[];
  /** Whether every Denoise step is written too. */
  steps?: boolean;
}

/** One run of a plan: the graph with its overrides applied, and what names it. */
export interface PlannedRun {
  /** 32 hex digits: the hash of the graph as run, its targets and whether steps are written. */
  id: string;
  /** 0-based position in the sweep. */
  index: number;
  /** The swept values as text fit for a file name ("noise.seed-5"); empty without a sweep. */
  label: string;
  /** NODE.PARAM (by node id) -> value, everything set or swept for this run. */
  overrides: Record<string, unknown>;
  doc: GraphDoc;
  targets?: string[];
  steps: boolean;
}

export type Plan = { ok: true; runs: PlannedRun[] } | { ok: false; problems: string[] };

interface Axis { node: GraphNode; param: string; values: unknown[]; kind: ParamSpec['kind'] }

const PROMPT_TYPE = 'core.prompt';

/** The runs `request` asks of the graph (a document or its JSON text), or every problem found. */
export function planRuns(graph: unknown, catalog: Catalog, request: RunRequest = {}): Plan {
  const loaded = loadGraph(graph, catalog);
  if (!loaded.ok) return { ok: false, problems: loaded.problems.map((p) => p.message) };
  const doc = loaded.doc;
  const problems: string[] = [];
  const seen = new Set<string>();
  const axis = (what: string, key: string, values: unknown[] | string, node?: GraphNode): Axis | null => {
    const ref = node ? { node, param: key } : findParam(doc, catalog, key);
    if (typeof ref === 'string') return problems.push(`${what} ${quote(key)}: ${ref}`), null;
    const spec = catalog.get(ref.node.type)!.params[ref.param];
    const label = `${what} ${quote(`${ref.node.id}.${ref.param}`)}`;
    if (seen.has(`${ref.node.id}\0${ref.param}`)) return problems.push(`${label} is given more than once`), null;
    seen.add(`${ref.node.id}\0${ref.param}`);
    const list = typeof values === 'string' ? expand(values) : values;
    if (typeof list === 'string') return problems.push(`${label}: ${list}`), null;
    if (list.length === 0) return problems.push(`${label} has no values`), null;
    const parsed = list.map((v) => parseValue(spec, v));
    const bad = parsed.map((v) => paramProblem(spec, v)).filter((p) => p !== null);
    // One problem per param: a range of a thousand out-of-bound values is one mistake.
    if (bad.length > 0) return problems.push(`${label}: ${nodeName(ref.node)} param ${quote(ref.param)} ${bad[0]}${bad.length > 1 ? ` (and ${bad.length - 1} more values)` : ''}`), null;
    return { node: ref.node, param: ref.param, values: parsed, kind: spec.kind };
  };

  const sets = (request.set ?? []).map(([key, value]) => axis('set', key, [value]));
  const sweeps = (request.sweep ?? []).map(([key, values]) =>
    axis('sweep', key, Array.isArray(values) ? values : typeof values === 'string' ? values : [values]));
  if (request.prompts) {
    const node = promptNode(doc, catalog, request.prompts.node);
    if (typeof node === 'string') problems.push(`prompts: ${node}`);
    else sweeps.push(axis('prompts', 'text', [...request.prompts.lines], node));
  }
  const ids = new Set(doc.nodes.map((n) => n.id));
  for (const t of request.targets ?? []) if (!ids.has(t)) problems.push(`target ${quote(t)} is not a node of this graph`);
  const count = sweeps.reduce((n, a) => n * (a?.values.length ?? 1), 1);
  if (count > MAX_RUNS) problems.push(`the sweep asks for ${count} runs; at most ${MAX_RUNS} fit in one submission`);
  if (problems.length > 0) return { ok: false, problems };

  const fixed = sets as Axis[];
  const axes = sweeps as Axis[];
  const targets = request.targets ? [...request.targets] : undefined;
  const steps = request.steps ?? false;
  const runs: PlannedRun[] = [];
  for (let index = 0; index < count; index++) {
    // The first sweep varies slowest, as nested loops written in that order would.
    const picks: [Axis, number][] = [];
    let rest = index;
    for (let a = axes.length - 1; a >= 0; a--) {
      picks.unshift([axes[a], rest % axes[a].values.length]);
      rest = Math.floor(rest / axes[a].values.length);
    }
    const overrides: Record<string, unknown> = {};
    const params = new Map<GraphNode, Record<string, unknown>>();
    const put = (a: Axis, value: unknown) => {
      overrides[`${a.node.id}.${a.param}`] = value;
      params.set(a.node, { ...(params.get(a.node) ?? a.node.params), [a.param]: value });
    };
    for (const a of fixed) put(a, a.values[0]);
    for (const [a, k] of picks) put(a, a.values[k]);
    const runDoc: GraphDoc = { ...doc, nodes: doc.nodes.map((n) => (params.has(n) ? { ...n, params: params.get(n)! } : n)) };
    const label = picks.map(([a, k]) => `${a.node.id}.${a.param}-${a.kind === 'string' || a.kind === 'model' || a.kind === 'choice' ? k + 1 : String(a.values[k])}`).join('_');
    runs.push({ id: runId(runDoc, targets, steps), index, label: label && safeFileName(label), overrides, doc: runDoc, targets, steps });
  }
  return { ok: true, runs };
}

/** The content address of a run: what it computes and what it writes. */
export function runId(doc: GraphDoc, targets: readonly string[] | undefined, steps: boolean): string {
  return hash128(stableJson({ doc, targets: targets ?? null, steps }));
}

/** NODE.PARAM: the node by id, else by its own title, else by its type's title; each must name one node. */
function findParam(doc: GraphDoc, catalog: Catalog, key: string): { node: GraphNode; param: string } | string {
  const dot = key.lastIndexOf('.');
  if (dot <= 0 || dot === key.length - 1) return 'must be NODE.PARAM (a node id or title, a dot, a param name)';
  const name = key.slice(0, dot);
  const param = key.slice(dot + 1);
  const node = findNode(doc, catalog, name);
  if (typeof node === 'string') return node;
  const params = catalog.get(node.type)?.params ?? {};
  if (!Object.hasOwn(params, param)) {
    const names = Object.keys(params);
    return `${nodeName(node)} has no param ${quote(param)} (${names.length > 0 ? `its params: ${names.join(', ')}` : 'it has none'})`;
  }
  return { node, param };
}

function findNode(doc: GraphDoc, catalog: Catalog, name: string): GraphNode | string {
  const byId = doc.nodes.find((n) => n.id === name);
  if (byId) return byId;
  for (const named of [(n: GraphNode) => n.title === name, (n: GraphNode) => !n.title && catalog.get(n.type)?.title === name]) {
    const hits = doc.nodes.filter(named);
    if (hits.length === 1) return hits[0];
    if (hits.length > 1) return `${quote(name)} is the title of ${hits.length} nodes (${hits.slice(0, 5).map((n) => quote(n.id)).join(', ')}${hits.length > 5 ? '…' : ''}): name one by its id`;
  }
  return `no node has the id or title ${quote(name)}`;
}

/** The Prompt node `name` names, or the graph's only Prompt node when no name is given. */
function promptNode(doc: GraphDoc, catalog: Catalog, name: string | undefined): GraphNode | string {
  const prompts = doc.nodes.filter((n) => n.type === PROMPT_TYPE);
  if (name === undefined) {
    if (prompts.length === 1) return prompts[0];
    return prompts.length === 0 ? 'the graph has no Prompt node'
      : `the graph has ${prompts.length} Prompt nodes (${prompts.slice(0, 5).map((n) => quote(n.id)).join(', ')}): name one as NODE=FILE`;
  }
  const node = findNode(doc, catalog, name);
  if (typeof node === 'string') return node;
  return node.type === PROMPT_TYPE ? node : `${nodeName(node)} is not a Prompt node`;
}

/** "1..100" (whole numbers, either way round) or "a,b,c" as its values, or why not. */
function expand(text: string): string[] | number[] | string {
  const range = /^\s*(-?\d{1,16})\s*\.\.\s*(-?\d{1,16})\s*$/.exec(text);
  if (!range) return text.split(',');
  const [from, to] = [Number(range[1]), Number(range[2])];
  const count = Math.abs(to - from) + 1;
  if (!Number.isSafeInteger(from) || !Number.isSafeInteger(to)) return `range ${quote(text)} goes past the whole numbers a number holds exactly`;
  if (count > MAX_RUNS) return `range ${quote(text)} has ${count} values; at most ${MAX_RUNS} fit in one submission`;
  const step = to >= from ? 1 : -1;
  return Array.from({ length: count }, (_, i) => from + i * step);
}

/** Text from a command line or a request read as the param's kind; JSON values are taken as they are. */
function parseValue(spec: ParamSpec, raw: unknown): unknown {
  if (typeof raw !== 'string') return raw;
  switch (spec.kind) {
    case 'int':
    case 'float':
    case 'seed': {
      const t = raw.trim();
      return /^[-+]?(\d+(\.\d*)?|\.\d+)(e[-+]?\d+)?$/i.test(t) ? Number(t) : raw;
    }
    case 'bool':
      return raw === 'true' ? true : raw === 'false' ? false : raw;
    case 'strokes':
      // Given as JSON text: [{ "mode": "brush", "size": 0.1, "points": [x, y, …] }, …].
      try { return JSON.parse(raw) as unknown; } catch { return raw; }
    default:
      return raw;
  }
}

function nodeName(node: GraphNode): string {
  return `node ${quote(node.id)} (${clip(node.type)})`;
}
