// npm run bench:gpu [-- --small]: an SD 1.5-architecture UNet and VAE decoder (random weights, made by
// models/tools/make_sd15_bench.py when missing) in fp32 and fp16 at 512x512 (64x64 latents): ms per UNet
// step (one evaluation, batch 1) and per decode, in Chromium's WebGPU (onnxruntime-web) and on
// onnxruntime-node's CPU, and the GPU memory onnxruntime-web holds. `--small`: the same architecture with
// a quarter of the channels at 16x16 latents, which a CPU-only machine runs in minutes.
// Chromium gets the real-GPU flags (bench/chromium.ts GPU_FLAGS) unless --small; LOOM_GPU_FLAGS=1 or 0 overrides.
// Other settings: GPU_TIMES (timed runs, default 5; 3 for full-size CPU runs), PYTHON (default /usr/bin/python3),
// GPU_SKIP=cpu or GPU_SKIP=webgpu to leave one half out.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { chromium } from 'playwright-core';
import { toHalf } from '../src/runtime/half.ts';
import { buildPage, CHROMIUM_FLAGS, GPU_FLAGS, serve } from './chromium.ts';
import { fmt, showMs, spread } from './stats.ts';
import type { CaseResult, ModelCase } from './gpu-page/main.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
const small = process.argv.includes('--small');
const dir = `${root}models/.cache/sd15-bench/${small ? 'small' : 'full'}`;
const python = process.env.PYTHON ?? '/usr/bin/python3';
const gpuFlags = process.env.LOOM_GPU_FLAGS ? process.env.LOOM_GPU_FLAGS === '1' : !small;
const NAMES = ['unet-fp32', 'unet-fp16', 'vae_decoder-fp32', 'vae_decoder-fp16'];

if (!NAMES.every((n) => existsSync(`${dir}/${n}.onnx`))) {
  console.log(`building the models: ${python} models/tools/make_sd15_bench.py${small ? ' --small' : ''}`);
  execFileSync(python, [`${root}models/tools/make_sd15_bench.py`, ...(small ? ['--small'] : [])], { stdio: 'inherit' });
}
const info = JSON.parse(readFileSync(`${dir}/info.json`, 'utf8')) as { latent: number; image: number; context: number; unet_params: number; vae_params: number };
const cases: ModelCase[] = NAMES.map((name) => ({
  name, url: `/sd/${name}.onnx`, kind: name.startsWith('unet') ? 'unet' : 'vae', fp16: name.endsWith('fp16'),
  ...(existsSync(`${dir}/${name}.onnx.data`) ? { externalData: `/sd/${name}.onnx.data` } : {}),
}));
const times = Number(process.env.GPU_TIMES ?? (small ? 5 : 3));
const mb = (bytes: number) => `${fmt(bytes / 2 ** 20, 0)} MiB`;
const fileMb = (name: string) => mb(statSync(`${dir}/${name}.onnx`).size + (existsSync(`${dir}/${name}.onnx.data`) ? statSync(`${dir}/${name}.onnx.data`).size : 0));
const what = (n: string) => (n.startsWith('unet') ? 'ms per UNet step' : 'ms per decode');

console.log(`SD 1.5-architecture ${small ? 'SMALL variant (1/4 channels) ' : ''}UNet (${fmt(info.unet_params / 1e6, 1)}M parameters) and VAE decoder (${fmt(info.vae_params / 1e6, 1)}M): ` +
  `${info.latent}x${info.latent} latents, ${info.image}x${info.image} images, batch 1; ms median (min..max) of ${times} runs after a warm-up`);

function feeds(name: string): Record<string, ort.Tensor> {
  let s = 1;
  const rnd = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const fp16 = name.endsWith('fp16');
  const t = (dims: number[]) => {
    const n = dims.reduce((a, b) => a * b, 1);
    return fp16 ? new ort.Tensor('float16', Uint16Array.from({ length: n }, () => toHalf(rnd())), dims) : new ort.Tensor('float32', Float32Array.from({ length: n }, rnd), dims);
  };
  const L = info.latent;
  if (name.startsWith('vae')) return { latent_sample: t([1, 4, L, L]) };
  return { sample: t([1, 4, L, L]), timestep: new ort.Tensor('int64', BigInt64Array.from([999n]), [1]), encoder_hidden_states: t([1, 77, info.context]) };
}

if (process.env.GPU_SKIP !== 'cpu') {
  const threads = cpus().length;
  console.log(`onnxruntime-node CPU, ${threads} threads:`);
  for (const name of NAMES) {
    try {
      const t0 = performance.now();
      const session = await ort.InferenceSession.create(`${dir}/${name}.onnx`, { intraOpNumThreads: threads, interOpNumThreads: 1, graphOptimizationLevel: 'all', logSeverityLevel: 3 });
      const createMs = performance.now() - t0;
      const input = feeds(name);
      await session.run(input);
      const runs: number[] = [];
      for (let i = 0; i < times; i++) {
        const t = performance.now();
        await session.run(input);
        runs.push(performance.now() - t);
      }
      await session.release();
      console.log(`  ${name.padEnd(17)} ${what(name)} ${showMs(spread(runs))}; session ${fmt(createMs, 0)} ms; file ${fileMb(name)}; process RSS ${mb(process.memoryUsage().rss)}`);
    } catch (e) {
      console.log(`  ${name.padEnd(17)} not run: ${String((e as Error).message).split('\n')[0].slice(0, 200)}`);
    }
  }
}

if (process.env.GPU_SKIP !== 'webgpu') {
  const out = `${root}.cache/gpu-page`;
  await buildPage(`${root}bench/gpu-page`, out);
  const server = await serve({ '/': out, '/sd/': dir });
  const args = [...CHROMIUM_FLAGS, ...(gpuFlags ? GPU_FLAGS : [])];
  const browser = await chromium.launch({ executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true, args });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`page: ${e.message}`));
    await page.goto(server.url);
    await page.waitForFunction(() => document.title === 'ready', null, { timeout: 60_000 });
    const { adapter, results } = (await page.evaluate(([c, l, x, n]) => (window as unknown as { gpuBench: (...a: unknown[]) => Promise<unknown> }).gpuBench(c, l, x, n),
      [cases, info.latent, info.context, times] as const)) as { adapter: Record<string, unknown>; results: CaseResult[] };
    console.log(`Chromium WebGPU (onnxruntime-web ${ort.env.versions?.common ?? ''}), flags: ${gpuFlags ? 'real GPU (Vulkan)' : 'default (SwiftShader without a GPU)'}; adapter ${JSON.stringify(adapter)}`);
    for (const r of results) {
      if (!r.ok) console.log(`  ${r.name.padEnd(17)} not run: ${r.error}`);
      else console.log(`  ${r.name.padEnd(17)} ${what(r.name)} ${showMs(spread(r.runsMs!))}; session ${fmt(r.createMs!, 0)} ms; GPU memory ${mb(r.peakGpuBytes!)} (peak of onnxruntime-web's buffers)${r.outputFinite ? '' : '; output not finite'}`);
    }
  } finally {
    await browser.close();
    await server.close();
  }
}
