// The editor in Debian's Chromium: time from navigation to an interactive canvas, and frame times while
// dragging a node in a 500-node graph (frame-rate limiting off, so a frame's interval is its work).
// Then the default graph's first image after a page load, with and without the idle-time warm-up, in a
// browser with the usual frame pacing: unpaced frames would take a core from the engine's threads.
import { existsSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';
import { build, preview } from 'vite';
import type { GraphDoc } from '../src/graph/types.ts';
import { CHROMIUM_FLAGS } from './chromium.ts';
import { fmt, showMs, spread } from './stats.ts';

/** Page loads timed: median of 7, with min and max. */
const LOADS = 7;

const root = fileURLToPath(new URL('..', import.meta.url));

function bigGraph(pairs: number): GraphDoc {
  const nodes: GraphDoc['nodes'] = [];
  const edges: GraphDoc['edges'] = [];
  for (let i = 0; i < pairs; i++) {
    const [x, y] = [(i % 10) * 700, Math.floor(i / 10) * 260];
    nodes.push({ id: `g${i}`, type: 'image.gradient', version: 1, position: { x, y }, params: { width: 8, height: 8, blue: 0.5 } });
    nodes.push({ id: `o${i}`, type: 'image.output', version: 1, position: { x: x + 330, y }, params: {} });
    edges.push({ id: `e${i}`, from: { node: `g${i}`, port: 'image' }, to: { node: `o${i}`, port: 'image' } });
  }
  return { format: 'latent-loom/graph', version: 1, nodes, edges };
}

/** How a first-image load goes: the address's warm setting, and when Run is pressed. */
interface FirstImage { query: string; press: 'interactive' | 'engine' | 'warm' }

/** Times from navigation (performance.now() in the page) to these moments of one fresh page load. */
interface FirstImageTimes { interactive: number; pressed: number; image: number; warm: number | null }

// The default graph's output node: where its first image appears.
const defaultOutput = (JSON.parse(readFileSync(`${root}graphs/default.json`, 'utf8')) as GraphDoc).nodes.find((n) => n.type === 'image.output')!.id;

/** One fresh page load of the default graph: Run pressed at `press`, timed until the output node draws its image. */
async function firstImage(browser: Browser, url: string, { query, press }: FirstImage): Promise<FirstImageTimes> {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  try {
    const page = await context.newPage();
    await page.goto(`${url}?backend=wasm${query}`);
    await page.locator('.react-flow__node').first().waitFor({ state: 'visible' });
    const interactive = (await page.evaluate('performance.now()')) as number;
    if (press === 'engine') await page.locator('[data-testid=backend-name][data-ready=true]').waitFor({ timeout: 60_000 });
    if (press === 'warm') await page.locator('[data-testid=backend-name][data-warm=done]').waitFor({ timeout: 60_000 });
    const warm = press === 'warm' ? ((await page.evaluate('performance.now()')) as number) : null;
    // Clicked in the page and timed there, so the driver's round trips are not counted.
    const pressed = (await page.evaluate(`(() => { document.querySelector('[data-testid=run-all]').click(); return performance.now(); })()`)) as number;
    // Timed in the page by a MutationObserver, at the change that adds the image: no polling loop competes
    // with the engine for the CPU.
    const image = (await page.evaluate(`new Promise((done, fail) => {
      setTimeout(() => fail(new Error('no image within 120 s')), 120000);
      const shown = () => document.querySelector('.react-flow__node[data-id="${defaultOutput}"] [data-testid=node-image]');
      if (shown()) return done(performance.now());
      const watch = new MutationObserver(() => { if (shown()) { watch.disconnect(); done(performance.now()); } });
      watch.observe(document.body, { subtree: true, childList: true, attributes: true });
    })`)) as number;
    return { interactive, pressed, image, warm };
  } finally {
    await context.close();
  }
}

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

export async function benchEditor(): Promise<Record<string, number | string>> {
  if (!existsSync(`${root}dist/index.html`)) await build({ root, logLevel: 'warn' });
  const server = await preview({ root, preview: { host: '127.0.0.1', port: 0 }, logLevel: 'warn' });
  const url = server.resolvedUrls!.local[0];
  const launch = (args: string[] = []) => chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: [...CHROMIUM_FLAGS, ...args],
  });
  let browser = await launch();
  try {
    // Page loads in fresh contexts (nothing autosaved): the default graph each time.
    const interactive: number[] = [];
    const engine: number[] = [];
    for (let i = 0; i < LOADS; i++) {
      const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
      const fresh = await context.newPage();
      await fresh.goto(`${url}?backend=wasm`);
      await fresh.locator('.react-flow__node').first().waitFor({ state: 'visible' });
      interactive.push(await fresh.evaluate(() => performance.now()));
      await fresh.locator('[data-testid=backend-name][data-ready=true]').waitFor({ timeout: 60_000 });
      engine.push(await fresh.evaluate(() => performance.now()));
      await context.close();
    }
    // The default graph's first image: each way once per round, so load drift hits all alike.
    const ways: Record<string, FirstImage> = {
      cold_run_at_canvas: { query: '&warm=0', press: 'interactive' },
      warm_run_at_canvas: { query: '', press: 'interactive' },
      cold_run_at_engine_ready: { query: '&warm=0', press: 'engine' },
      sessions_only_run_after_warmup: { query: '&warm=sessions', press: 'warm' },
      warm_run_after_warmup: { query: '', press: 'warm' },
    };
    const times: Record<string, FirstImageTimes[]> = Object.fromEntries(Object.keys(ways).map((k) => [k, []]));
    const load = [loadavg()[0]];
    for (let i = 0; i < LOADS; i++) {
      for (const [name, way] of Object.entries(ways)) times[name].push(await firstImage(browser, url, way));
    }
    load.push(loadavg()[0]);
    const first: Record<string, string> = {};
    for (const [name, ts] of Object.entries(times)) {
      first[`editor.first_image.${name}.page_load_to_image_ms`] = showMs(spread(ts.map((t) => t.image)));
      first[`editor.first_image.${name}.run_to_image_ms`] = showMs(spread(ts.map((t) => t.image - t.pressed)));
      if (ts[0].warm !== null) first[`editor.first_image.${name}.page_load_to_warm_ms`] = showMs(spread(ts.map((t) => t.warm!)));
    }
    first['editor.first_image.load_average'] = load.map((l) => l.toFixed(1)).join(' to ');

    await browser.close();
    browser = await launch(['--disable-gpu-vsync', '--disable-frame-rate-limit']);
    const page = await (await browser.newContext({ viewport: { width: 1400, height: 900 } })).newPage();
    await page.goto(`${url}?backend=wasm`);
    await page.locator('[data-testid=backend-name][data-ready=true]').waitFor({ timeout: 60_000 });

    const doc = bigGraph(250);
    await page.getByTestId('open-file-input').setInputFiles({ name: 'big.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
    await page.locator('.react-flow__node[data-id="o249"]').waitFor({ state: 'attached', timeout: 60_000 });
    await page.waitForTimeout(500);
    // The same count with nothing happening: the frame pacing this browser gives an idle page.
    const idle = (await page.evaluate(`new Promise((done) => { const ts = []; const tick = (t) => { ts.push(t); if (ts.length < 61) requestAnimationFrame(tick); else done(ts); }; requestAnimationFrame(tick); })`)) as number[];
    const idleIntervals = idle.slice(1).map((t, i) => t - idle[i]);
    const target = page.locator('.react-flow__node').first();
    const box = (await target.boundingBox())!;
    const [x, y] = [box.x + box.width / 2, box.y + 12];
    // A string, not a function: the TypeScript loader would wrap named functions in a helper the page lacks.
    await page.evaluate(`(() => {
      window.frames_ = []; window.recording_ = true;
      const tick = (t) => { if (!window.recording_) return; window.frames_.push(t); requestAnimationFrame(tick); };
      requestAnimationFrame(tick);
    })()`);
    await page.mouse.move(x, y);
    await page.mouse.down();
    for (let i = 1; i <= 120; i++) await page.mouse.move(x + i * 3, y + Math.sin(i / 10) * 40);
    await page.mouse.up();
    const frames = (await page.evaluate('(() => { window.recording_ = false; return window.frames_; })()')) as number[];
    const intervals = frames.slice(1).map((t, i) => t - frames[i]);
    const rendered = await page.locator('.react-flow__node').count();
    return {
      'editor.page_load_to_canvas_ms': showMs(spread(interactive)),
      'editor.page_load_to_engine_ready_ms': showMs(spread(engine)),
      'editor.graph_nodes': doc.nodes.length,
      'editor.nodes_in_dom': rendered,
      'editor.drag_frames': intervals.length,
      'editor.idle_frame_ms_median': fmt(quantile(idleIntervals, 0.5), 2),
      'editor.drag_frame_ms_median': fmt(quantile(intervals, 0.5), 2),
      'editor.drag_frame_ms_p95': fmt(quantile(intervals, 0.95), 2),
      ...first,
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
