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
  /**
   * Run each session on zeros after making it, at the sizes the graph will run it at where the models say
   * them (onnxruntime's first runs at a size allocate, and the WASM engine compiles its hot code then).
   */
  dummyRuns?: boolean;
}

/**
 * Dummy runs per session at the Run's sizes. On onnxruntime-web's WASM in Node, the default graph's first
 * Run after a warm-up on 8 px zeros took 2377 ms (880 to 997 once warm); after one run of each model at the
 * Run's sizes 1927 and 1994 ms; after three, 996 and 1155 ms, for 1.7 to 2.2 s more warm-up.
 */
const DUMMY_RUNS = 3;
/**
 * Files up to this size are run at the Run's sizes; bigger ones (an SD 1.5 UNet, a step of which takes
 * seconds on WASM) once on 8 px zeros, so a Run pressed meanwhile does not wait on a full-size step.
 */
const REAL_SIZE_BYTES = 64 * 1024 ** 2;
/**
 * Run sizes are used up to this image side and prompt length (the bundled model's 128 px and 77 tokens fit;
 * tiled upscales use tiles of about this size); a manifest that says more gets 8 px zeros, so what it
 * claims cannot size a dummy run's memory.
 */
const IMAGE_SIDE_CAP = 256;
const TOKENS_CAP = 256;
/** No dummy run on more values than this in all (16 MB of float32): a file's own fixed dims are refused too. */
const MAX_DUMMY_VALUES = 4 * 1024 ** 2;

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
 * of every model its params name, each run on zeros when asked (`DUMMY_RUNS`). Sessions are made while
 * their bytes stay within half the memory budget; the other half is the run's. Stops between steps when
 * `signal` aborts: a Run waits at most for the session creation or the dummy run already under way.
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
    const manifests = await modelsOf(doc, catalog, runtime, report);
    // Upscalers and other image models are warmed at the size the graph's diffusion models make.
    const side = Math.min(IMAGE_SIDE_CAP, Math.max(0, ...manifests.map((m) => Math.max(m.image?.width ?? 0, m.image?.height ?? 0)))) || undefined;
    for (const manifest of manifests) {
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
        const small = bytes <= REAL_SIZE_BYTES;
        const feeds = options.dummyRuns ? zeros(info, small ? runSizes(manifest, file.role, side) : undefined) : undefined;
        // A model that refuses zeros of these sizes is still warm enough: its session is made.
        for (let k = 0; feeds && k < (small ? DUMMY_RUNS : 1); k++) {
          const ok = await runtime.run(info, feeds, signal).then(() => true, (e: Error) => {
            if (!signal.aborted) report.skipped.push(`${name} run on zeros: ${e.message}`);
            return false;
          });
          if (!ok) break;
        }
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

/** The sizes a model file will run at, where its manifest says them: batch, height and width, tokens. */
export interface RunSizes { batch: number; height?: number; width?: number; tokens?: number }

/**
 * What a Run of the graph feeds `role` of `manifest`: a diffusion model at its own image size, its UNet
 * with guidance (cond and uncond, two rows) and its full prompt length; an image model (an upscaler) at
 * `side`, the size the graph's diffusion models make. Undefined where nothing says, or where the manifest
 * says more than IMAGE_SIDE_CAP or TOKENS_CAP.
 */
export function runSizes(manifest: ModelManifest, role: string, side: number | undefined): RunSizes | undefined {
  const { image, latent, conditioning } = manifest;
  const tokens = conditioning?.maxLength;
  if ((tokens ?? 0) > TOKENS_CAP || Math.max(image?.width ?? 0, image?.height ?? 0) > IMAGE_SIDE_CAP) return undefined;
  if (image && latent) {
    const [lh, lw] = [Math.ceil(image.height / latent.downscale), Math.ceil(image.width / latent.downscale)];
    if (role === 'unet') return { batch: 2, height: lh, width: lw, tokens };
    if (role === 'vae_decoder') return { batch: 1, height: lh, width: lw };
    if (role === 'vae_encoder') return { batch: 1, height: image.height, width: image.width };
    if (role === 'text_encoder') return { batch: 1, tokens };
    return undefined;
  }
  return side === undefined ? undefined : { batch: 1, height: side, width: side };
}

/**
 * Zeros for every input, from the session's own input metadata. A named (symbolic) dim takes `sizes`
 * where given (the batch first; the last two of an image or latent; the tokens of a [batch, tokens] or
 * [batch, tokens, width] input), else 1 when it leads and 8 elsewhere (8x8 latents, an 8 px image, 8
 * tokens). Undefined when an input's shape or type is not known, or when all of them would pass
 * MAX_DUMMY_VALUES (checked before anything is allocated).
 */
export function zeros(info: ModelInfo, sizes?: RunSizes): Record<string, Tensor> | undefined {
  const feeds: Record<string, Tensor> = {};
  const shapes: number[][] = [];
  for (const input of info.inputs) {
    if (!input.shape) return undefined;
    const n = input.shape.length;
    const known = (i: number): number | undefined => {
      if (!sizes) return undefined;
      if (i === 0) return sizes.batch;
      if (n === 4) return i === 2 ? sizes.height : i === 3 ? sizes.width : undefined;
      return i === 1 ? sizes.tokens : undefined;
    };
    shapes.push(input.shape.map((d, i) => (typeof d === 'number' && d > 0 ? d : known(i) ?? (i === 0 ? 1 : 8))));
  }
  const sizeOf = (dims: number[]) => dims.reduce((a, b) => a * b, 1);
  if (shapes.reduce((sum, dims) => sum + sizeOf(dims), 0) > MAX_DUMMY_VALUES) return undefined;
  for (const [k, input] of info.inputs.entries()) {
    const dims = shapes[k];
    const size = sizeOf(dims);
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
