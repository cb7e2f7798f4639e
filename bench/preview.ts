// What decoded live previews cost: a 20-step Denoise on the bundled model at its own size, with no
// preview decoder (the latent as colours) against its VAE wired into preview_decoder, decoding every
// step, every 5th and every 10th (the default). Only Denoise runs (a new seed each time); the runs alternate.
import { existsSync, readFileSync } from 'node:fs';
import { Executor } from '../src/engine/executor.ts';
import type { GraphDoc } from '../src/graph/types.ts';
import { createNodeRuntime } from '../src/runtime/node.ts';
import type { Runtime } from '../src/runtime/runtime.ts';
import { builtinRegistry } from '../nodes/registry.ts';
import { decodeItem, openDecoder } from '../nodes/diffusion/decode.ts';
import { withoutLivePreview } from './enginePage.ts';
import { alternate, fmt, showMs } from './stats.ts';

const STEPS = 20;
const TIMES = 9;
const EVERY = [1, 5, 10];

function graph(model: string, seed: number, every?: number): GraphDoc {
  const doc = withoutLivePreview(JSON.parse(readFileSync(new URL('../graphs/default.json', import.meta.url), 'utf8')) as GraphDoc);
  const node = (id: string) => doc.nodes.find((n) => n.id === id)!;
  node('model').params.model = model;
  node('scheduler').params.steps = STEPS;
  node('noise').params.seed = seed;
  if (every !== undefined) {
    node('denoise').params.preview_every = every;
    doc.edges.push({ id: 'preview', from: { node: 'model', port: 'vae' }, to: { node: 'denoise', port: 'preview_decoder' } });
  }
  return doc;
}

/**
 * One guided UNet call (cond and uncond batched, as cfg 4 runs) against one preview decode, alternating
 * many times: on a busy machine their ratio holds better than whole runs' times do.
 */
async function decodePerStep(runtime: Runtime, model: string): Promise<{ unet: number; decode: number }> {
  const manifest = await runtime.store.get(model);
  const unet = await runtime.open(manifest, 'unet');
  const decoder = await openDecoder(runtime, manifest);
  const { channels, downscale } = manifest.latent!;
  const [h, w] = [manifest.image!.height / downscale, manifest.image!.width / downscale];
  // A new latent for each decode: the engine keeps the latest decode, and a repeat would be answered from it.
  let calls = 0;
  const latent = () => ({ dtype: 'float32' as const, dims: [1, channels, h, w], data: new Float32Array(channels * h * w).fill(0.1 + 1e-4 * ++calls) });
  const tokens = manifest.conditioning!;
  const int64 = unet.inputs.find((i) => i.name === 'timestep')!.dtype === 'int64';
  const feeds = {
    sample: { dtype: 'float32' as const, dims: [2, channels, h, w], data: new Float32Array(2 * channels * h * w).fill(0.1) },
    timestep: int64 ? { dtype: 'int64' as const, dims: [1], data: BigInt64Array.of(500n) } : { dtype: 'float32' as const, dims: [1], data: Float32Array.of(500) },
    encoder_hidden_states: { dtype: 'float32' as const, dims: [2, tokens.maxLength, tokens.hiddenSize], data: new Float32Array(2 * tokens.maxLength * tokens.hiddenSize) },
  };
  const signal = new AbortController().signal;
  const [u, d] = await alternate(41, [() => runtime.run(unet, feeds, signal), () => decodeItem(runtime, decoder, latent(), 0, signal)]);
  return { unet: u.median, decode: d.median };
}

export async function benchPreview(): Promise<Record<string, number | string>> {
  const model = existsSync(new URL('../models/bundle/loom-emoji-sd/manifest.json', import.meta.url)) ? 'loom-emoji-sd' : 'test-tiny-sd';
  const runtime = createNodeRuntime({ threads: 2 });
  const calls = await decodePerStep(runtime, model);
  const executor = new Executor(builtinRegistry(), runtime);
  let seed = 1;
  const denoise = (every?: number) => async () => { await executor.run(graph(model, ++seed, every), { targets: ['denoise'] }); };
  const contenders = [denoise(), ...EVERY.map((k) => denoise(k))];
  for (const run of contenders) await run(); // warm: sessions open, shapes seen
  const [plain, ...decoded] = await alternate(TIMES, contenders);
  const out: Record<string, number | string> = {
    'preview model': model,
    'preview UNet call ms (median of 41)': fmt(calls.unet, 1),
    'preview decode ms (median of 41)': fmt(calls.decode, 1),
    [`preview ${STEPS} steps, colours ms`]: showMs(plain),
  };
  for (const [i, k] of EVERY.entries()) {
    out[`preview ${STEPS} steps, decoded every ${k} ms`] = showMs(decoded[i]);
    out[`preview decoded every ${k} / colours`] = fmt(decoded[i].median / plain.median);
    // Decodes on every k-th step and the last, against 20 UNet calls.
    const decodes = Math.floor(STEPS / k) + (STEPS % k === 0 ? 0 : 1);
    out[`preview every ${k}: ${decodes} decodes, est. extra`] = `${fmt((100 * decodes * calls.decode) / (STEPS * calls.unet), 1)}%`;
  }
  return out;
}
