// onnxruntime-web's two WASM builds in Chromium, side by side: the WASM-only build (what the app's CPU
// backend loads) and the WebGPU build's WASM (asyncify, what it loaded before). The bundled
// text-to-image model's sessions: making them (the first also compiles the build), their first calls,
// and steady calls. A fresh page per build and round, builds in turn within each round.
import { chromium } from 'playwright-core';
import { mkdtemp, rm } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPage, CHROMIUM_FLAGS, serve } from './chromium.ts';
import type { BuildResult } from './wasm-builds-page/main.ts';
import { fmt, showSpread, spread, type Spread } from './stats.ts';

const ROUNDS = 7;
const CALLS = 12;
const MODEL = 'loom-emoji-sd';
const BUILDS = ['wasm', 'webgpu'] as const;

export async function benchWasmBuilds(): Promise<Record<string, number | string>> {
  const out = await mkdtemp(join(tmpdir(), 'loom-wasm-builds-'));
  await buildPage(new URL('./wasm-builds-page', import.meta.url).pathname, out);
  const server = await serve({ '/': out }, new URL('../models/bundle', import.meta.url).pathname);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_FLAGS });
  const threads = Math.max(1, Math.min(4, availableParallelism())); // as the app takes: all cores, up to 4
  const got: Record<string, BuildResult[]> = { wasm: [], webgpu: [] };
  try {
    for (let r = 0; r < ROUNDS; r++) {
      for (const build of BUILDS) {
        const page = await browser.newPage();
        await page.goto(`${server.url}index.html`);
        await page.waitForFunction(() => document.title === 'ready');
        got[build].push(await page.evaluate(([b, m, c, t]) => (window as unknown as { buildsBench: (...a: unknown[]) => Promise<BuildResult> }).buildsBench(b, m, c, t), [build, MODEL, CALLS, threads] as const));
        await page.close();
      }
    }
  } finally {
    await browser.close();
    await server.close();
    await rm(out, { recursive: true, force: true });
  }
  const median = (xs: number[]) => spread(xs).median;
  const figure = (pick: (r: BuildResult) => number) => BUILDS.map((b) => spread(got[b].map(pick)));
  const ratio = (pick: (r: BuildResult) => number) => spread(got.wasm.map((r, i) => pick(r) / pick(got.webgpu[i])));
  const ms = (s: Spread) => `${fmt(s.median, 1)} (${fmt(s.min, 1)}..${fmt(s.max, 1)})`;
  const rows: [string, (r: BuildResult) => number][] = [
    ['sessions_ms', (r) => r.sessionsMs], ['first_calls_ms', (r) => r.firstCallsMs],
    ['unet_call_ms', (r) => median(r.unetMs)], ['text_encoder_call_ms', (r) => median(r.encoderMs)], ['vae_decode_ms', (r) => median(r.decoderMs)],
  ];
  // Zeros in, so both builds must agree on the UNet's output.
  let diff = 0;
  for (const [i, r] of got.wasm.entries()) r.unetOut.forEach((v, k) => { diff = Math.max(diff, Math.abs(v - got.webgpu[i].unetOut[k])); });
  const results: Record<string, number | string> = { 'wasm_builds.unet_output_max_diff': diff, 'wasm_builds.threads': `${threads}, cross-origin isolated: ${got.wasm[0].isolated}`, 'wasm_builds.rounds': ROUNDS };
  for (const [name, pick] of rows) {
    const [w, g] = figure(pick);
    results[`wasm_builds.${name}.wasm_only`] = ms(w);
    results[`wasm_builds.${name}.webgpu_build`] = ms(g);
    results[`wasm_builds.${name}.ratio`] = showSpread(ratio(pick));
  }
  return results;
}
