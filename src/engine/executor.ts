// Runs a graph in phases: plan (validate, targets, bypass, order) -> keys (no kernel runs) -> needed
// (what a cached result does not spare) -> execute (kernels in topological order) -> summarise.
import { quote } from '../graph/text.ts';
import { ancestors, checkMeaning, loadGraph, STRUCTURAL_CODES, topoSort, withDefaults, withoutBypassed, type GraphDoc, type GraphEdge, type GraphNode, type Problem } from '../graph/index.ts';
import type { NodeContext, NodeDefinition } from '../kernel/define.ts';
import { roughBytes } from '../runtime/format.ts';
import type { NodeCatalog } from '../kernel/registry.ts';
import { classifyOrtMessage } from '../runtime/ortErrors.ts';
import type { Runtime } from '../runtime/runtime.ts';
import { yieldToEvents } from '../runtime/yieldToEvents.ts';
import { OutputCache, type Outputs } from './cache.ts';
import type { NodeOutcome, RunEvent, RunResult } from './events.ts';
import { cacheKey } from './hash.ts';

export interface RunOptions {
  /** Nodes to produce; by default every output node (or every sink when there is none). */
  targets?: string[];
  signal?: AbortSignal;
  onEvent?: (event: RunEvent) => void;
}

export const DEFAULT_CACHE_BYTES = 1024 ** 3;

/** Longest stretch of node runs before the executor lets queued messages (a cancel) in. */
const HOP_AFTER_MS = 4;

/** The part of the graph a run executes, bypassed nodes wired around, in topological order. */
interface Plan {
  targets: string[];
  order: string[];
  nodes: Map<string, GraphNode>;
  /** Each node's incoming wires. */
  sources: (id: string) => GraphEdge[];
  edges: readonly GraphEdge[];
}

/** A node's cache key, and the key its partial work is kept under (the cache key minus `resume.ignoreParams`). */
interface NodeKeys { key: string; resume: string }

/** What one run shares between its phases. */
interface RunState {
  runId: number;
  signal: AbortSignal;
  emit: (event: RunEvent) => void;
  outcomes: Record<string, NodeOutcome>;
  /** Outputs of the nodes run or found cached, let go once every reader has run. */
  values: Map<string, Outputs>;
  cancelled: boolean;
}

export class Executor {
  readonly cache: OutputCache;
  /** The key each node had in the latest run that computed it, to find its outputs again. */
  private readonly lastKeys = new Map<string, string>();
  private runs = 0;

  constructor(readonly registry: NodeCatalog, readonly runtime: Runtime, cacheBytes = DEFAULT_CACHE_BYTES) {
    this.cache = new OutputCache(cacheBytes);
  }

  /** A node's outputs from its latest run, if still cached. */
  outputs(nodeId: string): Outputs | undefined {
    const key = this.lastKeys.get(nodeId);
    return key === undefined ? undefined : this.cache.get(key);
  }

  async run(input: GraphDoc, options: RunOptions = {}): Promise<RunResult> {
    const started = performance.now();
    const state: RunState = {
      runId: ++this.runs, signal: options.signal ?? new AbortController().signal, emit: options.onEvent ?? (() => {}),
      outcomes: {}, values: new Map(), cancelled: false,
    };
    const finish = (result: Omit<RunResult, 'runId' | 'ms'>): RunResult => {
      const ms = performance.now() - started;
      state.emit({ type: 'run-finished', runId: state.runId, status: result.status, ms });
      return { runId: state.runId, ms, ...result };
    };

    const planned = this.plan(input, options.targets);
    if ('problems' in planned) return finish({ status: 'invalid', problems: planned.problems, nodes: {}, results: {} });
    state.emit({ type: 'run-started', runId: state.runId, plan: planned.order });
    const keys = await this.keys(planned, state);
    const needed = neededNodes(planned, keys, this.cache);
    await this.checkMemory(planned, keys, needed, state);
    await this.execute(planned, keys, needed, state);
    return finish(this.summarise(planned, keys, needed, state));
  }

  /** Loads the document and plans the run; only the part the targets need has to be valid. */
  private plan(input: GraphDoc, requested?: string[]): Plan | { problems: Problem[] } {
    const loaded = loadGraph(input, this.registry);
    if (!loaded.ok && loaded.problems.some((p) => STRUCTURAL_CODES.has(p.code))) return { problems: loaded.problems };
    const doc = loaded.ok ? loaded.doc : withDefaults(input, this.registry);
    const byId = new Map(doc.nodes.map((n) => [n.id, n]));
    const targets = requested ?? defaultTargets(doc, this.registry);
    const unknown = targets.find((t) => !byId.has(t));
    if (unknown !== undefined) return { problems: [{ code: 'unknown-target', node: unknown, message: `run target "${unknown}" is not a node of this graph` }] };
    const off = targets.find((t) => byId.get(t)!.bypass);
    if (off !== undefined) return { problems: [{ code: 'bypassed-target', node: off, message: `run target "${off}" is bypassed: turn bypass off to run it` }] };

    const problems = loaded.ok ? [] : checkMeaning(within(doc, ancestors(targets, doc.edges)), this.registry);
    if (problems.length > 0) return { problems };
    // Bypassed nodes are wired around, so the rest of the graph gets the keys it would have without them.
    const runnable = withoutBypassed(doc, this.registry);
    const sub = within(runnable, ancestors(targets, runnable.edges));
    const sorted = topoSort(sub.nodes.map((n) => n.id), sub.edges);
    if (!sorted.ok) throw new Error('unreachable: cycles are refused by validation');
    const into = new Map<string, GraphEdge[]>();
    for (const e of sub.edges) {
      const list = into.get(e.to.node);
      if (list) list.push(e);
      else into.set(e.to.node, [e]);
    }
    return { targets, order: sorted.order, nodes: new Map(sub.nodes.map((n) => [n.id, n])), sources: (id) => into.get(id) ?? [], edges: sub.edges };
  }

  /** Every planned node's keys, without running a kernel, so a cached target spares its whole upstream. */
  private async keys(plan: Plan, state: RunState): Promise<Map<string, NodeKeys>> {
    const keys = new Map<string, NodeKeys>();
    for (const id of plan.order) {
      const sources = plan.sources(id);
      if (sources.some((e) => !keys.has(e.from.node))) continue; // an upstream key failed
      const node = plan.nodes.get(id)!;
      const def = this.def(node);
      // What only feeds a node's previews is no part of what it computes, so it is no part of its key.
      const shows = def.previewOnly;
      const keyed = sources.filter((e) => !shows?.inputs?.includes(e.to.port));
      const inputs = Object.fromEntries(keyed.map((e) => [e.to.port, `${keys.get(e.from.node)!.key}:${e.from.port}`]));
      try {
        const identity = def.identity ? await def.identity(node.params, { runtime: this.runtime }) : undefined;
        const params = Object.fromEntries(Object.entries(node.params).filter(([name]) => !shows?.params?.includes(name)));
        const parts = { type: def.type, version: def.version, params, inputs, identity };
        const key = cacheKey(parts);
        const ignored = def.resume?.ignoreParams ?? [];
        // With no params ignored the resume key is the cache key: no second hash.
        const resume = ignored.length === 0 ? key : cacheKey({ ...parts, params: Object.fromEntries(Object.entries(params).filter(([name]) => !ignored.includes(name))) });
        keys.set(id, { key, resume });
      } catch (e) {
        this.fail(state, node, e);
      }
    }
    return keys;
  }

  /**
   * Before any kernel runs: nodes whose memory need is over the runtime's budget fail now, so a run that
   * cannot fit stops before it allocates. Each is weighed with the inputs known then: what the cache
   * holds and the sketches of the nodes upstream (their outputs' shapes, src/kernel/sketch.ts). What
   * only refused nodes read is skipped: a Noise is not drawn for a Denoise that cannot run.
   */
  private async checkMemory(plan: Plan, keys: Map<string, NodeKeys>, needed: Set<string>, state: RunState): Promise<void> {
    const known = new Map<string, Outputs>();
    const refused = new Set<string>();
    for (const id of plan.order) {
      const key = keys.get(id)?.key;
      if (!needed.has(id) || state.outcomes[id] || key === undefined) continue;
      const cached = this.cache.get(key);
      if (cached) {
        known.set(id, cached);
        continue;
      }
      const node = plan.nodes.get(id)!;
      const def = this.def(node);
      const inputs: Record<string, unknown> = {};
      const unknown: string[] = [];
      for (const e of plan.sources(id)) {
        const value = known.get(e.from.node)?.[e.from.port];
        if (value !== undefined) inputs[e.to.port] = value;
        else unknown.push(e.to.port);
      }
      try {
        this.assertFits(def, node.params, inputs);
      } catch (e) {
        this.fail(state, node, e);
        refused.add(id);
        continue;
      }
      try {
        if (def.sketch) known.set(id, await def.sketch(node.params, inputs, { runtime: this.runtime, unknown }));
      } catch {
        // What a sketch cannot tell now, the node's run will say.
      }
    }
    if (refused.size > 0) this.skipFeedersOf(plan, keys, needed, refused, state);
  }

  /**
   * Skips the nodes, not cached, whose every path to a target passes a refused node or one that waits on
   * it. Those waiting nodes are skipped as the run reaches them, as after any failure.
   */
  private skipFeedersOf(plan: Plan, keys: Map<string, NodeKeys>, needed: Set<string>, refused: Set<string>, state: RunState): void {
    const waits = new Set(refused);
    for (const id of plan.order) if (plan.sources(id).some((e) => waits.has(e.from.node))) waits.add(id);
    const feeds = new Set<string>();
    const stack = plan.targets.filter((t) => !waits.has(t));
    while (stack.length > 0) {
      const id = stack.pop()!;
      if (feeds.has(id)) continue;
      feeds.add(id);
      for (const e of plan.sources(id)) if (!waits.has(e.from.node)) stack.push(e.from.node);
    }
    const names = [...refused].slice(0, 3).map((id) => quote(id)).join(', ') + (refused.size > 3 ? ` and ${refused.size - 3} more` : '');
    const because = `not run: all it feeds waits on ${names}, refused before the run`;
    for (const id of plan.order) {
      const key = keys.get(id)?.key;
      if (!needed.has(id) || feeds.has(id) || waits.has(id) || state.outcomes[id] || (key !== undefined && this.cache.has(key))) continue;
      state.outcomes[id] = { state: 'skipped', because };
      state.emit({ type: 'node-skipped', runId: state.runId, nodeId: id, because });
    }
  }

  /** Throws, saying what to lower, when a run of `def` would need more than the runtime's budget. */
  private assertFits(def: NodeDefinition, params: Record<string, unknown>, inputs: Record<string, unknown>): void {
    if (!def.memory) return;
    const need = def.memory(params, inputs, this.runtime);
    const budget = this.runtime.memoryBudget;
    if (!need || budget === undefined || !(need.bytes > budget)) return;
    throw new Error(`needs about ${roughBytes(need.bytes)} of memory at once, over the ${roughBytes(budget)} this engine allows (${this.runtime.backend}); lower ${need.lower}`);
  }

  /** Runs the needed nodes in order; a failed or cancelled node leaves its descendants skipped. */
  private async execute(plan: Plan, keys: Map<string, NodeKeys>, needed: Set<string>, state: RunState): Promise<void> {
    const { runId, emit, outcomes, values, signal } = state;
    // A value is let go once every node that reads it has run (the cache may still keep it): big graphs
    // then hold only what is still to be read, as a hand-written loop would.
    const readers = new Map<string, number>();
    for (const e of plan.edges) if (needed.has(e.to.node)) readers.set(e.from.node, (readers.get(e.from.node) ?? 0) + 1);
    const release = (id: string) => {
      for (const e of plan.sources(id)) {
        const left = readers.get(e.from.node)! - 1;
        readers.set(e.from.node, left);
        if (left === 0 && !plan.targets.includes(e.from.node)) values.delete(e.from.node);
      }
    };
    const settle = (id: string, key: string, outputs: Outputs, ms: number, cached: boolean) => {
      values.set(id, outputs);
      release(id);
      this.lastKeys.set(id, key);
      outcomes[id] = { state: 'done', ms, cached };
      emit({ type: 'node-finished', runId, nodeId: id, ms, cached });
    };
    const cancel = (id: string) => {
      state.cancelled = true;
      outcomes[id] = { state: 'cancelled' };
      emit({ type: 'node-cancelled', runId, nodeId: id });
    };

    let lastHop = -Infinity;
    for (const id of plan.order) {
      if (!needed.has(id) || outcomes[id]) continue;
      const node = plan.nodes.get(id)!;
      // A failed input is named before a skipped one: it is the cause.
      const bad = plan.sources(id).filter((e) => outcomes[e.from.node] && outcomes[e.from.node].state !== 'done');
      const upstreamBad = bad.find((e) => outcomes[e.from.node].state === 'failed') ?? bad[0];
      if (upstreamBad) {
        const because = `input "${upstreamBad.to.port}" comes from "${upstreamBad.from.node}", which ${outcomes[upstreamBad.from.node].state === 'cancelled' ? 'was cancelled' : 'did not run'}`;
        outcomes[id] = { state: 'skipped', because };
        emit({ type: 'node-skipped', runId, nodeId: id, because });
        continue;
      }
      const { key, resume } = keys.get(id)!;
      const hit = this.cache.get(key);
      if (hit) {
        settle(id, key, hit, 0, true);
        continue;
      }
      // A cancel sent while earlier nodes ran is read here. The hop costs a turn of the event loop, so
      // it is taken only after a stretch of work: a run of quick nodes reads its inbox every few ms anyway.
      if (performance.now() - lastHop >= HOP_AFTER_MS) {
        await yieldToEvents();
        lastHop = performance.now();
      }
      if (state.cancelled || signal.aborted) {
        cancel(id);
        continue;
      }
      emit({ type: 'node-started', runId, nodeId: id });
      const t0 = performance.now();
      try {
        const inputs = Object.fromEntries(plan.sources(id).map((e) => [e.to.port, values.get(e.from.node)![e.from.port]]));
        const outputs = await this.runKernel(node, inputs, resume, state);
        this.cache.set(key, outputs);
        settle(id, key, outputs, performance.now() - t0, false);
      } catch (e) {
        if (signal.aborted) cancel(id);
        else this.fail(state, node, e);
      }
    }
  }

  /** One kernel call, with its context; its partial work is kept under the node's resume key. */
  private async runKernel(node: GraphNode, inputs: Record<string, unknown>, resume: string, state: RunState): Promise<Outputs> {
    const def = this.def(node);
    this.assertFits(def, node.params, inputs);
    const memoKey = `memo:${resume}`;
    const ctx: NodeContext = {
      nodeId: node.id, runtime: this.runtime, signal: state.signal,
      progress: (step, total, preview, traffic) => state.emit({ type: 'node-progress', runId: state.runId, nodeId: node.id, step, total, preview, ...(traffic ? { traffic } : {}) }),
      memo: { get: () => this.cache.get(memoKey)?.value, set: (value) => { this.cache.set(memoKey, { value }); } },
    };
    const outputs = await def.run({ inputs, params: node.params, ctx });
    const missing = Object.keys(def.outputs).find((port) => outputs[port] === undefined);
    if (missing) throw new Error(`kernel returned no value for output "${missing}"`);
    return outputs;
  }

  /** Outcomes for the planned nodes a cached result spared, the results of the targets, and the status. */
  private summarise(plan: Plan, keys: Map<string, NodeKeys>, needed: Set<string>, state: RunState): Omit<RunResult, 'runId' | 'ms'> {
    const { outcomes, values } = state;
    for (const id of plan.order) {
      if (outcomes[id] || needed.has(id)) continue;
      outcomes[id] = { state: 'done', ms: 0, cached: true };
      state.emit({ type: 'node-finished', runId: state.runId, nodeId: id, ms: 0, cached: true });
    }
    const results: RunResult['results'] = {};
    for (const id of plan.targets) {
      const key = keys.get(id)?.key;
      const value = values.get(id) ?? (key === undefined ? undefined : this.cache.get(key));
      if (this.def(plan.nodes.get(id)!).output && value) results[id] = value;
    }
    const states = Object.values(outcomes).map((o) => o.state);
    const status = state.cancelled ? 'cancelled' : states.some((s) => s === 'failed' || s === 'skipped') ? 'failed' : 'done';
    return { status, problems: [], nodes: outcomes, results };
  }

  /** A failure in words that name the node; onnxruntime's own text (build paths, codes) is kept as details. */
  private fail(state: RunState, node: GraphNode, e: unknown): void {
    const raw = e instanceof Error ? e.message : String(e);
    const ort = classifyOrtMessage(raw);
    const message = `${node.title ?? this.def(node)?.title ?? node.type} (${quote(node.id)}): ${ort ? ort.summary : raw}`;
    const details = ort ? { details: raw } : {};
    state.outcomes[node.id] = { state: 'failed', message, ...details };
    state.emit({ type: 'node-failed', runId: state.runId, nodeId: node.id, message, ...details });
  }

  private def(node: GraphNode): NodeDefinition {
    return this.registry.get(node.type)!;
  }
}

/**
 * The nodes that must run or be read for the targets: a node whose key is cached spares its upstream.
 * Walked with a stack, so a chain of any length fits.
 */
function neededNodes(plan: Plan, keys: Map<string, NodeKeys>, cache: OutputCache): Set<string> {
  const needed = new Set<string>();
  const stack = [...plan.targets];
  while (stack.length > 0) {
    const id = stack.pop()!;
    if (needed.has(id)) continue;
    needed.add(id);
    const key = keys.get(id)?.key;
    if (key === undefined || !cache.has(key)) for (const e of plan.sources(id)) stack.push(e.from.node);
  }
  return needed;
}

function within(doc: GraphDoc, nodes: Set<string>): GraphDoc {
  return { ...doc, nodes: doc.nodes.filter((n) => nodes.has(n.id)), edges: doc.edges.filter((e) => nodes.has(e.to.node)) };
}

function defaultTargets(doc: GraphDoc, registry: NodeCatalog): string[] {
  const outputs = doc.nodes.filter((n) => !n.bypass && registry.get(n.type)?.output).map((n) => n.id);
  if (outputs.length > 0) return outputs;
  // Sinks that can produce something: a node with no outputs at all (a Note) is never a target.
  const produces = (n: GraphNode) => Object.keys(registry.get(n.type)?.outputs ?? {}).length > 0;
  const feeding = new Set(doc.edges.map((e) => e.from.node));
  return doc.nodes.filter((n) => !n.bypass && produces(n) && !feeding.has(n.id)).map((n) => n.id);
}
