// Upscaling through the executor, with the automatic tile size and with forced tiles, against one untiled
// session call on the same image; forced tiling also against the extra pixels its overlaps make it compute.
// The ratios take the Upscale node's own time in each run (the whole graph also makes the source image).
import { Executor } from '../src/engine/executor.ts';
import type { GraphDoc } from '../src/graph/types.ts';
import { builtinRegistry } from '../nodes/registry.ts';
import type { ImageValue } from '../src/image/value.ts';
import { fromNCHW, withNCHW } from '../src/image/convert.ts';
import { planGrid } from '../src/image/tiles.ts';
import gradient from '../nodes/image/gradient.ts';
import { encodePng } from '../src/image/png.ts';
import { createNodeRuntime } from '../src/runtime/node.ts';
import { fmt, rounds, showMs, showRatio, showSpread, spread } from './stats.ts';

const SIZE = 768;

function graph(model: string, source: Record<string, unknown> = { width: SIZE, height: SIZE }, upscale: Record<string, unknown> = {}): GraphDoc {
  const at = { x: 0, y: 0 };
  const node = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, version: 1, position: at, params });
  const edge = (from: string, fp: string, to: string, tp: string) => ({ id: `${from}-${to}`, from: { node: from, port: fp }, to: { node: to, port: tp } });
  return {
    format: 'latent-loom/graph', version: 1,
    nodes: [node('src', 'image' in source ? 'image.load' : 'image.gradient', source), node('model', 'model.load_upscaler', { model }), node('up', 'image.upscale', upscale), node('out', 'image.output')],
    edges: [edge('src', 'image', 'up', 'image'), edge('model', 'upscaler', 'up', 'upscaler'), edge('up', 'image', 'out', 'image')],
  };
}

/** Forced tiling for the comparison with its pixel bound: the browser's WASM tile and the default overlap. */
const FORCED = { tile: 256, overlap: 32 };
/** Rounds of side-by-side runs: medians of 7, with min and max. */
const ROUNDS = 7;

export async function benchUpscale(): Promise<Record<string, number | string>> {
  const runtime = createNodeRuntime({ threads: 2 });
  const bundled = (await runtime.store.list()).some((m) => m.id === 'loom-sr-x4');
  const id = bundled ? 'loom-sr-x4' : 'test-tiny-upscaler';
  console.log(`upscale bench: ${id}, ${SIZE}x${SIZE} input, backend ${runtime.backend}, budget ${(runtime.memoryBudget! / 2 ** 30).toFixed(1)} GiB`);
  const executor = new Executor(builtinRegistry(), runtime);
  const tiles: Record<string, number> = {};
  const outputs: Record<string, ImageValue> = {};
  // The Upscale node's own time in each run (node-finished), apart from making the source image.
  const nodeMs: Record<string, number[]> = { auto: [], forced: [] };
  const throughExecutor = (name: string, params: Record<string, unknown>) => {
    const doc = graph(id, undefined, params);
    return async () => {
      executor.cache.clear();
      const result = await executor.run(doc, { onEvent: (e) => {
        if (e.type === 'node-progress' && e.nodeId === 'up') tiles[name] = e.total;
        if (e.type === 'node-finished' && e.nodeId === 'up') nodeMs[name].push(e.ms);
      } });
      if (result.status !== 'done') throw new Error(`upscale run ${result.status}: ${JSON.stringify(result.nodes)}`);
      outputs[name] = result.results.out.image as ImageValue;
    };
  };
  const auto = throughExecutor('auto', {});
  const forced = throughExecutor('forced', FORCED);

  const manifest = await runtime.store.get(id);
  const info = await runtime.open(manifest, 'model');
  const range = manifest.upscaler?.range ?? [0, 1];
  const scale = manifest.upscaler?.scale ?? 1;
  const ctx = { nodeId: 'bench', runtime, signal: new AbortController().signal, progress: () => {} } as never;
  const { image } = await gradient.run({ inputs: {}, params: { width: SIZE, height: SIZE, blue: 0.5 }, ctx });
  let whole: ImageValue | undefined;
  // One untiled session call with the same conversions the nodes use.
  const oneCall = async () => {
    const out = await withNCHW(image as ImageValue, 0, range, (t) => runtime.run(info, { [info.inputs[0].name]: t }));
    whole = fromNCHW(out[info.outputs[0].name], range, true);
  };

  // The session alone, no conversions: one call on the whole image, and one call per forced tile. Their
  // ratio is what onnxruntime itself pays for the tiles' shapes; the rest of forced tiling is ours.
  const raw = (h: number, w: number) => ({ dtype: 'float32' as const, dims: [1, 3, h, w], data: new Float32Array(3 * h * w).fill(0.5) });
  const cells = planGrid({ x: 0, y: 0, w: SIZE, h: SIZE }, FORCED.tile, FORCED.tile, FORCED.overlap, scale);
  const rawWholeInput = raw(SIZE, SIZE);
  const rawTileInputs = cells.map((c) => raw(c.rect.h, c.rect.w));
  const rawWhole = async () => { await runtime.run(info, { [info.inputs[0].name]: rawWholeInput }); };
  const rawTiles = async () => { for (const t of rawTileInputs) await runtime.run(info, { [info.inputs[0].name]: t }); };

  for (let i = 0; i < 2; i++) { await auto(); await forced(); await oneCall(); await rawWhole(); await rawTiles(); } // sessions made, first-run costs paid
  nodeMs.auto.length = nodeMs.forced.length = 0;
  const [autoRun, forcedRun, wholeMs, rawWholeMs, rawTilesMs] = await rounds(ROUNDS, [auto, forced, oneCall, rawWhole, rawTiles]);
  const timed = (times: number[]) => ({ times, spread: spread(times) });
  const [autoMs, forcedMs] = [timed(nodeMs.auto), timed(nodeMs.forced)];
  // The least forced tiling can cost: the pixels its tiles cover, overlaps counted twice, over the image's.
  const covered = cells.reduce((n, c) => n + c.rect.w * c.rect.h, 0);
  const bound = covered / (SIZE * SIZE);
  const outMp = (SIZE * SIZE * scale ** 2) / 1e6;
  const diff = (a: ImageValue) => {
    let max = 0;
    for (let i = 0; i < whole!.data.length; i++) max = Math.max(max, Math.abs(whole!.data[i] - a.data[i]));
    return max * 255;
  };
  return {
    'upscale.noise_seam_max_diff_in_255ths': fmt(await seams(executor, id)),
    'upscale.bundled_model': bundled ? 1 : 0,
    'upscale.untiled_ms': showMs(wholeMs.spread),
    'upscale.untiled_output_mp_per_s': fmt(outMp / (wholeMs.spread.median / 1000)),
    'upscale.auto_tiles': tiles.auto,
    'upscale.auto_ms': showMs(autoMs.spread),
    'upscale.auto_whole_graph_ms': showMs(autoRun.spread),
    'upscale.auto_over_untiled_time': showRatio(autoMs, wholeMs),
    'upscale.forced_tile': FORCED.tile,
    'upscale.forced_tiles': tiles.forced,
    'upscale.forced_ms': showMs(forcedMs.spread),
    'upscale.forced_whole_graph_ms': showMs(forcedRun.spread),
    'upscale.forced_over_untiled_time': showRatio(forcedMs, wholeMs),
    'upscale.forced_pixel_bound': fmt(bound),
    'upscale.forced_over_pixel_bound': showSpread(spread(forcedMs.times.map((t, i) => t / wholeMs.times[i] / bound))),
    'upscale.session_whole_ms': showMs(rawWholeMs.spread),
    'upscale.session_tiles_ms': showMs(rawTilesMs.spread),
    'upscale.session_tiles_over_session_whole': showRatio(rawTilesMs, rawWholeMs),
    'upscale.forced_over_session_tiles': showRatio(forcedMs, rawTilesMs),
    'upscale.auto_max_diff_in_255ths': fmt(diff(outputs.auto)),
    'upscale.forced_max_diff_in_255ths': fmt(diff(outputs.forced)),
  };
}

/** Small tiles on a noisy image, the hardest case for seams: the largest difference from one untiled run. */
async function seams(executor: Executor, model: string): Promise<number> {
  const noise = { kind: 'image' as const, batch: 1, width: 200, height: 150, channels: 3 as const, data: new Float32Array(200 * 150 * 3) };
  let s = 1;
  for (let i = 0; i < noise.data.length; i++) noise.data[i] = ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) >>> 8) / 16777216;
  const source = { image: `data:image/png;base64,${Buffer.from(await encodePng(noise)).toString('base64')}` };
  const run = async (upscale: Record<string, unknown>) => (await executor.run(graph(model, source, upscale))).results.out.image as ImageValue;
  const [tiled, whole] = [await run({ tile: 64, overlap: 32 }), await run({ tile: 4096 })];
  let max = 0;
  for (let i = 0; i < whole.data.length; i++) max = Math.max(max, Math.abs(whole.data[i] - tiled.data[i]));
  return max * 255;
}
