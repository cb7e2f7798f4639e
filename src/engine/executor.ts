// validate -> plan (only what the targets need) -> run kernels in topological order, with a content-addressed cache.
import { ancestors, checkMeaning, loadGraph, STRUCTURAL_CODES, topoSort, withDefaults, withoutBypassed, type GraphDoc, type GraphEdge, type GraphNode } from '../graph/index.ts';
import type { NodeContext, NodeDefinition } from '../kernel/define.ts';
import type { NodeCatalog } from '../kernel/registry.ts';
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
    const runId = ++this.runs;
    const started = performance.now();
    const emit = options.onEvent ?? (() => {});
    const signal = options.signal ?? new AbortController().signal;
    const finish = (result: Omit<RunResult, 'runId' | 'ms'>): RunResult => {
      const ms = performance.now() - started;
      emit({ type: 'run-finished', runId, status: result.status, ms });
      return { runId, ms, ...result };
    };

    const loaded = loadGraph(input, this.registry);
    if (!loaded.ok && loaded.problems.some((p) => STRUCTURAL_CODES.has(p.code))) {
      return finish({ status: 'invalid', problems: loaded.problems, nodes: {}, results: {} });
    }
    const doc = loaded.ok ? loaded.doc : withDefaults(input, this.registry);
    const targets = options.targets ?? defaultTargets(doc, this.registry);
    const unknown = targets.find((t) => !doc.nodes.some((n) => n.id === t));
    if (unknown) {
      return finish({ status: 'invalid', problems: [{ code: 'unknown-target', node: unknown, message: `run target "${unknown}" is not a node of this graph` }], nodes: {}, results: {} });
    }
    const off = targets.find((t) => doc.nodes.find((n) => n.id === t)!.bypass);
    if (off) {
      return finish({ status: 'invalid', problems: [{ code: 'bypassed-target', node: off, message: `run target "${off}" is bypassed: turn bypass off to run it` }], nodes: {}, results: {} });
    }

    // Only the part of the graph the targets need has to be valid; bypassed nodes are then wired around.
    const problems = loaded.ok ? [] : checkMeaning(within(doc, ancestors(targets, doc.edges)), this.registry);
    if (problems.length > 0) return finish({ status: 'invalid', problems, nodes: {}, results: {} });
    const runnable = withoutBypassed(doc, this.registry);
    const sub = within(runnable, ancestors(targets, runnable.edges));
    const sorted = topoSort(sub.nodes.map((n) => n.id), sub.edges);
    if (!sorted.ok) throw new Error('unreachable: cycles are refused by validation');
    emit({ type: 'run-started', runId, plan: sorted.order });

    const byId = new Map(sub.nodes.map((n) => [n.id, n]));
    const into = new Map<string, GraphEdge[]>();
    for (const e of sub.edges) into.set(e.to.node, [...(into.get(e.to.node) ?? []), e]);
    const sources = (id: string) => into.get(id) ?? [];
    const outcomes: Record<string, NodeOutcome> = {};
    const keys = new Map<string, string>();
    const inputKeys = new Map<string, Record<string, string>>();
    const fail = (id: string, message: string) => {
      outcomes[id] = { state: 'failed', message };
      emit({ type: 'node-failed', runId, nodeId: id, message });
    };

    // Keys first: they need no kernel, so a cached target spares its whole upstream.
    for (const id of sorted.order) {
      const node = byId.get(id)!;
      const blocked = sources(id).find((e) => !keys.has(e.from.node));
      if (blocked) continue;
      const ofInputs = Object.fromEntries(sources(id).map((e) => [e.to.port, `${keys.get(e.from.node)}:${e.from.port}`]));
      inputKeys.set(id, ofInputs);
      try {
        keys.set(id, await this.keyOf(node, ofInputs));
      } catch (e) {
        fail(id, describeError(node, this.def(node), e));
      }
    }
    const needed = new Set<string>();
    const need = (id: string): void => {
      if (needed.has(id)) return;
      needed.add(id);
      const key = keys.get(id);
      if (key === undefined || !this.cache.has(key)) sources(id).forEach((e) => need(e.from.node));
    };
    targets.forEach(need);

    const values = new Map<string, Outputs>();
    // A value is let go once every node that reads it has run (the cache may still keep it): big graphs
    // then hold only what is still to be read, as a hand-written loop would.
    const readers = new Map<string, number>();
    for (const e of sub.edges) if (needed.has(e.to.node)) readers.set(e.from.node, (readers.get(e.from.node) ?? 0) + 1);
    const release = (id: string) => {
      for (const e of sources(id)) {
        const left = readers.get(e.from.node)! - 1;
        readers.set(e.from.node, left);
        if (left === 0 && !targets.includes(e.from.node)) values.delete(e.from.node);
      }
    };
    let cancelled = false;
    for (const id of sorted.order) {
      if (!needed.has(id) || outcomes[id]) continue;
      const node = byId.get(id)!;
      const def = this.def(node);
      const upstreamBad = sources(id).find((e) => outcomes[e.from.node] && outcomes[e.from.node].state !== 'done');
      if (upstreamBad) {
        const because = `input "${upstreamBad.to.port}" comes from "${upstreamBad.from.node}", which ${outcomes[upstreamBad.from.node].state === 'cancelled' ? 'was cancelled' : 'did not run'}`;
        outcomes[id] = { state: 'skipped', because };
        emit({ type: 'node-skipped', runId, nodeId: id, because });
        continue;
      }
      const key = keys.get(id)!;
      const hit = this.cache.get(key);
      if (hit) {
        values.set(id, hit);
        release(id);
        this.lastKeys.set(id, key);
        outcomes[id] = { state: 'done', ms: 0, cached: true };
        emit({ type: 'node-finished', runId, nodeId: id, ms: 0, cached: true });
        continue;
      }
      await yieldToEvents(); // a cancel sent while the previous node ran is read here
      if (cancelled || signal.aborted) {
        cancelled = true;
        outcomes[id] = { state: 'cancelled' };
        emit({ type: 'node-cancelled', runId, nodeId: id });
        continue;
      }
      emit({ type: 'node-started', runId, nodeId: id });
      const t0 = performance.now();
      try {
        const inputs = Object.fromEntries(sources(id).map((e) => [e.to.port, values.get(e.from.node)![e.from.port]]));
        const memoKey = (k: string) => `memo:${def.type}:${k}`;
        const ctx: NodeContext = {
          nodeId: id, runtime: this.runtime, signal,
          progress: (step, total, preview) => emit({ type: 'node-progress', runId, nodeId: id, step, total, preview }),
          inputKeys: inputKeys.get(id)!,
          memo: { get: (k) => this.cache.get(memoKey(k))?.value, set: (k, value) => { this.cache.set(memoKey(k), { value }); } },
        };
        const outputs = await def.run({ inputs, params: node.params, ctx });
        const missing = Object.keys(def.outputs).find((port) => outputs[port] === undefined);
        if (missing) throw new Error(`kernel returned no value for output "${missing}"`);
        values.set(id, outputs);
        release(id);
        this.cache.set(key, outputs);
        this.lastKeys.set(id, key);
        const ms = performance.now() - t0;
        outcomes[id] = { state: 'done', ms, cached: false };
        emit({ type: 'node-finished', runId, nodeId: id, ms, cached: false });
      } catch (e) {
        if (signal.aborted) {
          cancelled = true;
          outcomes[id] = { state: 'cancelled' };
          emit({ type: 'node-cancelled', runId, nodeId: id });
        } else {
          fail(id, describeError(node, def, e));
        }
      }
    }

    // Planned nodes a cached result downstream made unnecessary are as good as cached.
    for (const id of sorted.order) {
      if (outcomes[id] || needed.has(id)) continue;
      outcomes[id] = { state: 'done', ms: 0, cached: true };
      emit({ type: 'node-finished', runId, nodeId: id, ms: 0, cached: true });
    }

    const results: RunResult['results'] = {};
    for (const id of targets) {
      const value = values.get(id) ?? (keys.has(id) ? this.cache.get(keys.get(id)!) : undefined);
      if (this.def(byId.get(id)!).output && value) results[id] = value;
    }
    const states = Object.values(outcomes).map((o) => o.state);
    const status = cancelled ? 'cancelled' : states.some((s) => s === 'failed' || s === 'skipped') ? 'failed' : 'done';
    return finish({ status, problems: [], nodes: outcomes, results });
  }

  private def(node: GraphNode): NodeDefinition {
    return this.registry.get(node.type)!;
  }

  private async keyOf(node: GraphNode, inputs: Record<string, string>): Promise<string> {
    const def = this.def(node);
    const identity = def.identity ? await def.identity(node.params, { runtime: this.runtime }) : undefined;
    return cacheKey({ type: def.type, version: def.version, params: node.params, inputs, identity });
  }
}

function within(doc: GraphDoc, nodes: Set<string>): GraphDoc {
  return { ...doc, nodes: doc.nodes.filter((n) => nodes.has(n.id)), edges: doc.edges.filter((e) => nodes.has(e.to.node)) };
}

function defaultTargets(doc: GraphDoc, registry: NodeCatalog): string[] {
  const outputs = doc.nodes.filter((n) => !n.bypass && registry.get(n.type)?.output).map((n) => n.id);
  if (outputs.length > 0) return outputs;
  // Sinks that can produce something: a node with no outputs at all (a Note) is never a target.
  const produces = (n: GraphNode) => Object.keys(registry.get(n.type)?.outputs ?? {}).length > 0;
  return doc.nodes.filter((n) => !n.bypass && produces(n) && !doc.edges.some((e) => e.from.node === n.id)).map((n) => n.id);
}

function describeError(node: GraphNode, def: NodeDefinition | undefined, e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  return `${def?.title ?? node.type} ("${node.id}"): ${message}`;
}
