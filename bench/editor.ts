// The editor in Debian's Chromium: time from navigation to an interactive canvas, and frame times while
// dragging a node in a 500-node graph. Frame-rate limiting is off, so a frame's interval is its work.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import type { GraphDoc } from '../src/graph/types.ts';
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

const quantile = (xs: number[], q: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

export async function benchEditor(): Promise<Record<string, number | string>> {
  if (!existsSync(`${root}dist/index.html`)) await build({ root, logLevel: 'warn' });
  const server = await preview({ root, preview: { host: '127.0.0.1', port: 0 }, logLevel: 'warn' });
  const url = server.resolvedUrls!.local[0];
  const browser = await chromium.launch({
    executablePath: '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run',
      '--disable-quic', '--disable-gpu-vsync', '--disable-frame-rate-limit'],
  });
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
    };
  } finally {
    await browser.close();
    await server.close();
  }
}
