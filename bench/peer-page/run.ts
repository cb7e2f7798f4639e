// Builds bench/peer-page, serves it with the converted models, TF.js's WASM files and UpscalerJS's
// model files, and runs it in Debian's headless Chromium (bench/chromium.ts).
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { buildPage, CHROMIUM_FLAGS, serve } from '../chromium.ts';
import { fmt, showMs, spread } from '../stats.ts';
import type { PageResult } from './main.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const require = createRequire(import.meta.url);
const OUT = `${root}.cache/peer-page`;
const pkgDir = (name: string) => require.resolve(name).split(`/node_modules/${name.split('/').slice(0, 2).join('/')}/`)[0] + `/node_modules/${name.split('/').slice(0, 2).join('/')}`;

/** Threads for both sides in Chromium; 0: as the app picks them (src/runtime/web.ts). */
const THREADS = Number(process.env.PEER_THREADS ?? 0);

export async function benchPeerBrowser(): Promise<Record<string, number | string>> {
  const { PEER_INPUT, PEER_ROOT, PEER_SIZES, benchImage } = await import('../peer.ts');
  await buildPage(`${root}bench/peer-page`, OUT);
  const mounts: Record<string, string> = { '/': OUT, '/tfjs/': `${pkgDir('@tensorflow/tfjs-backend-wasm')}/dist` };
  for (const s of PEER_SIZES) mounts[`/upscalerjs/${s}/`] = `${pkgDir(`@upscalerjs/esrgan-${s}/4x`)}/models/x4`;
  const server = await serve(mounts, PEER_ROOT);
  const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', headless: true, args: CHROMIUM_FLAGS });
  const results: Record<string, number | string> = {};
  try {
    for (const size of PEER_SIZES.filter((s) => !process.env.PEER_MODELS || process.env.PEER_MODELS.split(',').includes(s))) {
      const page = await browser.newPage();
      page.on('pageerror', (e) => console.error(`page: ${e.message}`));
      await page.goto(server.url);
      await page.waitForFunction(() => document.title === 'ready', null, { timeout: 60_000 });
      const { image, what } = await benchImage(PEER_INPUT[size]);
      const times = Number(process.env.PEER_TIMES ?? 5);
      const r = (await page.evaluate(([s, side, px, n, t]) => (window as unknown as { peerBench: (...a: unknown[]) => Promise<unknown> }).peerBench(s, side, px, n, t),
        [size, PEER_INPUT[size], Array.from(image.data), size === 'thick' ? Math.min(times, 3) : times, THREADS] as const)) as PageResult;
      await page.close();
      const [p, o] = [spread(r.peerMs), spread(r.oursMs)];
      if (!results[`peer.chromium.threads`]) console.log(`peer bench (Chromium): TF.js ${r.tfBackend} (${r.tfThreads} threads) vs Upscale node on onnxruntime-web ${r.ortBackend} (${r.ortThreads} threads), cross-origin isolated: ${r.isolated}`);
      results['peer.chromium.threads'] = `TF.js ${r.tfThreads}, onnxruntime-web ${r.ortThreads}`;
      results[`peer.chromium.${size}.input`] = what;
      results[`peer.chromium.${size}.upscalerjs_ms`] = showMs(p);
      results[`peer.chromium.${size}.upscale_node_ms`] = `${showMs(o)}, ${r.tiles} tile(s)`;
      results[`peer.chromium.${size}.speedup`] = `${fmt(p.median / o.median, 2)}x (${fmt(p.min / o.max, 2)}..${fmt(p.max / o.min, 2)})`;
      results[`peer.chromium.${size}.max_diff_in_255ths`] = fmt(r.maxDiff, 5);
      results[`peer.chromium.${size}.mean_diff_in_255ths`] = fmt(r.meanDiff, 6);
    }
  } finally {
    await browser.close();
    await server.close();
  }
  return results;
}
