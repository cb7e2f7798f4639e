// Time per UNet step through the executor against a hand-written loop over the same sessions, and
// onnxruntime-node against onnxruntime-web (WASM) on the same UNet.
import { existsSync, readFileSync } from 'node:fs';
import * as ortWeb from 'onnxruntime-web';
import { makeSchedule, scaleModelInput, step, freshState, SD15_CONFIG } from '../src/diffusion/schedulers/index.ts';
import { torchRandn } from '../src/diffusion/torchRandom.ts';
import { Executor } from '../src/engine/executor.ts';
import type { GraphDoc } from '../src/graph/types.ts';
import { FsModelStore } from '../src/runtime/fsStore.ts';
import { createNodeRuntime, PROJECT_MODEL_ROOTS } from '../src/runtime/node.ts';
import { asOrtModule, OrtRuntime } from '../src/runtime/ort.ts';
import type { Runtime } from '../src/runtime/runtime.ts';
import type { Tensor } from '../src/runtime/tensor.ts';
import { builtinRegistry } from '../nodes/registry.ts';
import { withoutLivePreview } from './enginePage.ts';
import { rounds, showMs, showRatio, showSpread, spread } from './stats.ts';

const STEPS = 12;
const THREADS = 2;
/** Rounds of side-by-side runs: medians of 7, with min and max. */
const ROUNDS = 7;

/** The default graph at STEPS steps; `previews` keeps its VAE preview decoder wired (a decode every 10 steps). */
function graph(model: string, seed: number, previews: boolean): GraphDoc {
  const doc = JSON.parse(readFileSync(new URL('../graphs/default.json', import.meta.url), 'utf8')) as GraphDoc;
  const params = (id: string) => doc.nodes.find((n) => n.id === id)!.params;
  params('model').model = model;
  params('scheduler').steps = STEPS;
  params('noise').seed = seed;
  return previews ? doc : withoutLivePreview(doc);
}

async function unetFeeds(runtime: Runtime, model: string) {
  const manifest = await runtime.store.get(model);
  const te = await runtime.open(manifest, 'text_encoder');
  const unet = await runtime.open(manifest, 'unet');
  const idsType = te.inputs[0].dtype;
  const ids = new Int32Array(77).fill(0);
  const cond = (await runtime.run(te, { input_ids: idsType === 'int64' ? { dtype: 'int64', dims: [1, 77], data: BigInt64Array.from(ids, BigInt) } : { dtype: 'int32', dims: [1, 77], data: ids } })).last_hidden_state;
  const [, tokens, width] = cond.dims;
  const context = new Float32Array(2 * tokens * width);
  context.set(cond.data as Float32Array);
  context.set(cond.data as Float32Array, tokens * width);
  const { channels, downscale } = manifest.latent!;
  const size = manifest.image!.width / downscale;
  const dims = [1, channels, size, size];
  const tDtype = unet.inputs.find((i) => i.name === 'timestep')!;
  const timestep = (t: number): Tensor => tDtype.dtype === 'int64'
    ? { dtype: 'int64', dims: tDtype.shape?.length === 0 ? [] : [1], data: BigInt64Array.of(BigInt(Math.round(t))) }
    : { dtype: 'float32', dims: tDtype.shape?.length === 0 ? [] : [1], data: Float32Array.of(t) };
  return { unet, dims, context: { dtype: 'float32', dims: [2, tokens, width], data: context } as Tensor, timestep };
}

/** The sampling loop written out by hand: Euler, batched guidance, no executor, no nodes. */
async function handLoop(runtime: Runtime, model: string, seed: number) {
  const { unet, dims, context, timestep } = await unetFeeds(runtime, model);
  const schedule = makeSchedule('euler', SD15_CONFIG, STEPS);
  let x: Float32Array = torchRandn(seed, dims).map((v) => v * schedule.initNoiseSigma);
  let state = freshState();
  for (let i = 0; i < STEPS; i++) {
    const input = scaleModelInput(schedule, i, x);
    const both = new Float32Array(input.length * 2);
    both.set(input);
    both.set(input, input.length);
    const out = (await runtime.run(unet, { sample: { dtype: 'float32', dims: [2, ...dims.slice(1)], data: both }, timestep: timestep(schedule.timesteps[i]), encoder_hidden_states: context })).out_sample.data as Float32Array;
    const guided = new Float32Array(input.length);
    for (let k = 0; k < guided.length; k++) guided[k] = out[k] + 4 * (out[input.length + k] - out[k]);
    ({ prevSample: x, state } = step(schedule, i, guided, x, state));
  }
  return x;
}

export async function benchDiffusion(): Promise<Record<string, number | string>> {
  const model = existsSync(new URL('../models/bundle/loom-emoji-sd/manifest.json', import.meta.url)) ? 'loom-emoji-sd' : 'test-tiny-sd';
  const runtime = createNodeRuntime({ threads: THREADS });
  const executor = new Executor(builtinRegistry(), runtime);
  let seed = 1;
  // Only Denoise re-runs: a new seed each time, everything else cached, as when a user rerolls. Without
  // previews it does what the hand loop does; with them it also decodes a picture every 10 steps.
  const throughExecutor = (previews: boolean) => async () => { await executor.run(graph(model, ++seed, previews), { targets: ['denoise'] }); };
  const byHand = async () => { await handLoop(runtime, model, ++seed); };
  await throughExecutor(false)(); await throughExecutor(true)(); await byHand();
  const [execMs, handMs, previewMs] = await rounds(ROUNDS, [throughExecutor(false), byHand, throughExecutor(true)]);

  // The same UNet on onnxruntime-web's WASM backend, in this process.
  ortWeb.env.wasm.numThreads = THREADS;
  const web = new OrtRuntime(asOrtModule(ortWeb), 'wasm', new FsModelStore(PROJECT_MODEL_ROOTS), { executionProviders: ['wasm'] });
  const nodeFeeds = await unetFeeds(runtime, model);
  const webFeeds = await unetFeeds(web, model);
  const call = (rt: Runtime, f: typeof nodeFeeds) => async () => {
    const x = torchRandn(3, [2, ...f.dims.slice(1)]);
    await rt.run(f.unet, { sample: { dtype: 'float32', dims: [2, ...f.dims.slice(1)], data: x }, timestep: f.timestep(500), encoder_hidden_states: f.context });
  };
  for (let i = 0; i < 3; i++) { await call(runtime, nodeFeeds)(); await call(web, webFeeds)(); }
  const [nodeMs, wasmMs] = await rounds(ROUNDS, [call(runtime, nodeFeeds), call(web, webFeeds)]);
  const perStep = (t: typeof execMs) => showSpread(spread(t.times.map((ms) => ms / STEPS)), 2);
  return {
    'diffusion.model': model,
    'diffusion.ms_per_step_executor': perStep(execMs),
    'diffusion.ms_per_step_by_hand': perStep(handMs),
    'diffusion.executor_to_hand_ratio': showRatio(execMs, handMs),
    'diffusion.ms_per_step_executor_with_previews': perStep(previewMs),
    'diffusion.unet_ms_onnxruntime_node': showMs(nodeMs.spread),
    'diffusion.unet_ms_onnxruntime_web_wasm': showMs(wasmMs.spread),
    'diffusion.wasm_to_node_ratio': showRatio(wasmMs, nodeMs),
  };
}
