// Warm-up: what the editor asks the engine to do while the page is idle, so the first Run starts with its
// sessions made. Nothing here changes a result or a cache key: nodes run ahead go through the executor
// (their results are cached under their own keys), and sessions are cached by the model's content.
import type { GraphDoc } from '../graph/types.ts';
import type { NodeCatalog } from '../kernel/registry.ts';
import type { ModelManifest } from '../runtime/manifest.ts';
import type { ModelInfo, Runtime } from '../runtime/runtime.ts';
import type { Tensor } from '../runtime/tensor.ts';
import type { Executor } from './executor.ts';

export interface WarmOptions {
  /** Run each session once on a tiny input of zeros after making it (onnxruntime's first run allocates). */
  dummyRuns?: boolean;
}

export interface WarmReport {
  /** Nodes run ahead through the executor (`ahead` node types: Text Encoder). */
  ran: string[];
  /** Model files whose sessions were made, as `model id/role`. */
  opened: string[];
  /** Model files left cold, each with why. */
  skipped: string[];
  /** A Run (or a cancel) stopped the warm-up before it finished. */
  stopped: boolean;
  ms: number;
}

/**
 * Warms what `doc` needs: first its `ahead` nodes through the executor, then a session for every ONNX file
 * of every model its params name, each run once on zeros when asked. Sessions are made while their bytes
 * stay within half the memory budget; the other half is the run's. Stops between steps when `signal`
 * aborts: a Run waits at most for the session creation already under way.
 */
export async function warmUp(doc: GraphDoc, catalog: NodeCatalog, executor: Executor, runtime: Runtime, signal: AbortSignal, options: WarmOptions = {}): Promise<WarmReport> {
  const t0 = performance.now();
  const report: WarmReport = { ran: [], opened: [], skipped: [], stopped: false, ms: 0 };
  try {
    const nodes = doc.nodes.filter((n) => !n.bypass);
    const ahead = nodes.filter((n) => catalog.get(n.type)?.ahead).map((n) => n.id);
    if (ahead.length > 0) {
      const result = await executor.run(doc, { targets: ahead, signal });
      signal.throwIfAborted();
      if (result.status === 'done') report.ran.push(...ahead);
    }
    const allowance = runtime.memoryBudget === undefined ? Infinity : runtime.memoryBudget / 2;
    let taken = 0;
    for (const manifest of await modelsOf(doc, catalog, runtime, report)) {
      for (const file of manifest.files.filter((f) => f.path.endsWith('.onnx'))) {
        signal.throwIfAborted();
        const name = `${manifest.id}/${file.role}`;
        const bytes = manifest.files.filter((f) => f === file || f.role === `${file.role}_data`).reduce((sum, f) => sum + f.bytes, 0);
        if (taken + bytes > allowance) {
          report.skipped.push(`${name}: ${mb(bytes)} would pass half the memory budget (${mb(allowance * 2)})`);
          continue;
        }
        taken += bytes;
        const info = await runtime.open(manifest, file.role).catch((e: Error) => { report.skipped.push(`${name}: ${e.message}`); });
        if (!info) continue;
        report.opened.push(name);
        const feeds = options.dummyRuns ? zeros(info) : undefined;
        // A model that refuses zeros of these sizes is still warm enough: its session is made.
        if (feeds) await runtime.run(info, feeds, signal).catch((e: Error) => { if (!signal.aborted) report.skipped.push(`${name} run on zeros: ${e.message}`); });
      }
    }
    signal.throwIfAborted();
  } catch (e) {
    if (!signal.aborted) throw e;
    report.stopped = true;
  }
  report.ms = performance.now() - t0;
  return report;
}

/** The models the document's model params name, once each; one the store lacks is left out, named. */
async function modelsOf(doc: GraphDoc, catalog: NodeCatalog, runtime: Runtime, report: WarmReport): Promise<ModelManifest[]> {
  const ids = new Set<string>();
  for (const n of doc.nodes) {
    if (n.bypass) continue;
    for (const [name, spec] of Object.entries(catalog.get(n.type)?.params ?? {})) {
      const value = n.params[name];
      if (spec.kind === 'model' && typeof value === 'string' && value !== '') ids.add(value);
    }
  }
  const found: ModelManifest[] = [];
  for (const id of ids) {
    try {
      found.push(await runtime.store.get(id));
    } catch (e) {
      report.skipped.push(`${id}: ${(e as Error).message}`);
    }
  }
  return found;
}

/**
 * Zeros for every input, from the session's own input metadata: a named (symbolic) dim is 1 when it
 * leads (the batch) and 8 elsewhere (8x8 latents, an 8 px image, 8 tokens). Undefined when an input's
 * shape or type is not known.
 */
export function zeros(info: ModelInfo): Record<string, Tensor> | undefined {
  const feeds: Record<string, Tensor> = {};
  for (const input of info.inputs) {
    if (!input.shape) return undefined;
    const dims = input.shape.map((d, i) => (typeof d === 'number' && d > 0 ? d : i === 0 ? 1 : 8));
    const size = dims.reduce((a, b) => a * b, 1);
    const data = input.dtype === 'float32' ? new Float32Array(size)
      : input.dtype === 'float16' ? new Uint16Array(size)
      : input.dtype === 'int32' ? new Int32Array(size)
      : input.dtype === 'int64' ? new BigInt64Array(size)
      : undefined;
    if (!data) return undefined;
    feeds[input.name] = { dtype: input.dtype, dims, data } as Tensor;
  }
  return feeds;
}

const mb = (bytes: number): string => `${(bytes / 1024 ** 2).toFixed(1)} MB`;
