// Image to image at strength 0.5 against text to image with the same steps: UNet calls and time of
// the Denoise node through the executor (a new seed each run, so only Denoise runs), side by side.
import { readFileSync } from 'node:fs';
import { Executor } from '../src/engine/executor.ts';
import type { GraphDoc } from '../src/graph/types.ts';
import { createNodeRuntime } from '../src/runtime/node.ts';
import { builtinRegistry } from '../nodes/registry.ts';
import { fmt } from './stats.ts';

const STEPS = 20;
const RUNS = 7;
const STRENGTH = 0.5;

/** graphs/img2img.json with the bundled UNet when it has a VAE encoder, else the UNet of `unetModel` and the tiny model's encoder. */
function graph(unetModel: string, encoderModel: string, seed: number, strength: number | null): GraphDoc {
  const doc = JSON.parse(readFileSync(new URL('../graphs/img2img.json', import.meta.url), 'utf8')) as GraphDoc;
  const params = (id: string) => doc.nodes.find((n) => n.id === id)!.params;
  params('model').model = unetModel;
  params('scheduler').steps = STEPS;
  params('noise').seed = seed;
  if (encoderModel !== unetModel) {
    doc.nodes.push({ id: 'vae_model', type: 'diffusion.load_checkpoint', version: 1, position: { x: 0, y: 700 }, params: { model: encoderModel } });
    for (const e of doc.edges) if (e.to.node === 'encode_image' && e.to.port === 'vae') e.from.node = 'vae_model';
  }
  params('denoise').strength = strength ?? 1;
  if (strength === null) doc.edges = doc.edges.filter((e) => e.to.port !== 'init');
  return doc;
}

const stats = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], min: s[0], max: s[s.length - 1] };
};

export async function benchImg2img(): Promise<Record<string, number | string>> {
  const runtime = createNodeRuntime({ threads: 2 });
  const bundled = await runtime.store.get('loom-emoji-sd').catch(() => null);
  const unetModel = bundled ? 'loom-emoji-sd' : 'test-tiny-sd';
  const encoderModel = bundled?.files.some((f) => f.role === 'vae_encoder') ? unetModel : 'test-tiny-sd';
  let unetCalls = 0;
  const run = runtime.run.bind(runtime);
  runtime.run = (info, feeds, signal) => {
    if (feeds.encoder_hidden_states) unetCalls++;
    return run(info, feeds, signal);
  };
  const executor = new Executor(builtinRegistry(), runtime);
  let seed = 100;
  const once = async (strength: number | null) => {
    const calls = unetCalls;
    const t0 = performance.now();
    const result = await executor.run(graph(unetModel, encoderModel, ++seed, strength), { targets: ['denoise'] });
    if (result.status !== 'done') throw new Error(`img2img bench: ${JSON.stringify(result.nodes)}`);
    return { ms: performance.now() - t0, calls: unetCalls - calls };
  };
  await once(null); await once(STRENGTH); // warm up: sessions, text encoding, the encoded image
  const t2i: number[] = [];
  const i2i: number[] = [];
  let callsT2i = 0;
  let callsI2i = 0;
  for (let i = 0; i < RUNS; i++) {
    const a = await once(null);
    const b = await once(STRENGTH);
    t2i.push(a.ms); i2i.push(b.ms);
    [callsT2i, callsI2i] = [a.calls, b.calls];
  }
  const [st, si] = [stats(t2i), stats(i2i)];
  return {
    'img2img: model (UNet / VAE encoder)': `${unetModel} / ${encoderModel}`,
    [`img2img: UNet calls, ${STEPS} steps, t2i / strength ${STRENGTH}`]: `${callsT2i} / ${callsI2i} (ratio ${fmt(callsI2i / callsT2i)})`,
    [`img2img: t2i ms (median, min-max of ${RUNS})`]: `${fmt(st.median, 1)} (${fmt(st.min, 1)}-${fmt(st.max, 1)})`,
    [`img2img: strength ${STRENGTH} ms (median, min-max)`]: `${fmt(si.median, 1)} (${fmt(si.min, 1)}-${fmt(si.max, 1)})`,
    'img2img: time ratio (medians)': fmt(si.median / st.median),
  };
}
