// Opens the app in Debian's Chromium and drives it as a person does.
import { mkdir, readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, beforeEach, expect, inject } from 'vitest';

export const ARTIFACTS = resolve(import.meta.dirname, '../artifacts');

export async function launch(): Promise<Browser> {
  await mkdir(ARTIFACTS, { recursive: true });
  return chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync',
      '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu'],
  });
}

export interface App { page: Page; context: BrowserContext }

/**
 * One browser for a test file (launching it is the slow part), and for each test its own context: a
 * fresh profile (empty IndexedDB, localStorage and model store), page and engine, so no test sees what
 * another left behind. `opened` gets each test's app before the test runs; the context closes after it.
 */
export function appPerTest(opened: (app: App) => void | Promise<void>): void {
  let browser: Browser | undefined;
  let app: App | undefined;
  beforeAll(async () => { browser = await launch(); });
  beforeEach(async () => {
    app = await openApp(browser!);
    await opened(app);
  });
  afterEach(async () => {
    await app?.context.close();
    app = undefined;
  });
  afterAll(async () => { await browser?.close(); });
}

/** The WASM backend, with the test fixtures and test models listed. */
export const WARM_QUERY = '?backend=wasm&fixtures=1';

/**
 * The tests' default address: as above, without the idle-time warm-up, so what a first Run reports
 * (done or cached) does not hang on whether the page was idle before it. warm.e2e.ts tests the warm-up.
 */
export const TEST_QUERY = `${WARM_QUERY}&warm=0`;

/** A fresh profile (empty IndexedDB), the app loaded, cross-origin isolated, with its engine ready. */
export async function openApp(browser: Browser, query = TEST_QUERY, viewport = { width: 1400, height: 900 }): Promise<App> {
  const context = await browser.newContext({ viewport, acceptDownloads: true });
  const page = await context.newPage();
  page.setDefaultTimeout(10_000);
  page.on('pageerror', (e) => console.error('page error:', e.message));
  await page.goto(inject('baseUrl') + query);
  expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
  await waitForEngine(page);
  return { page, context };
}

export async function waitForEngine(page: Page): Promise<void> {
  await page.locator('[data-testid=backend-name][data-ready=true]').waitFor({ timeout: 30_000 });
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: resolve(ARTIFACTS, `${name}.png`) });
}

export const node = (page: Page, id: string): Locator => page.locator(`.react-flow__node[data-id="${id}"]`);
export const nodeCount = (page: Page): Promise<number> => page.locator('.react-flow__node').count();
export const edgeCount = (page: Page): Promise<number> => page.locator('.react-flow__edge').count();

/** Waits until React Flow has measured every node (they are hidden until then). */
export async function nodesMeasured(page: Page): Promise<void> {
  await page.waitForFunction(() => {
    const nodes = [...document.querySelectorAll<HTMLElement>('.react-flow__node')];
    return nodes.every((n) => n.style.visibility !== 'hidden' && n.getBoundingClientRect().width > 0);
  });
}

/**
 * Pans the canvas (by dragging empty canvas, as a person does) until the node is wholly in view: a graph
 * wider than the readable zoom allows opens with its outputs in view and the rest to their left.
 */
export async function reveal(page: Page, id: string): Promise<void> {
  for (let tries = 0; tries < 4; tries++) {
    const c = (await page.getByTestId('canvas').boundingBox())!;
    const n = (await node(page, id).boundingBox())!;
    const margin = 40;
    const dx = n.x < c.x + margin ? c.x + margin - n.x : n.x + n.width > c.x + c.width - margin ? c.x + c.width - margin - (n.x + n.width) : 0;
    const dy = n.y < c.y + margin ? c.y + margin - n.y : n.y + n.height > c.y + c.height - margin ? c.y + c.height - margin - (n.y + n.height) : 0;
    if (dx === 0 && dy === 0) return;
    const step = { x: Math.max(-c.width / 2, Math.min(c.width / 2, dx)), y: Math.max(-c.height / 2, Math.min(c.height / 2, dy)) };
    // An empty spot of canvas from which the drag stays inside it.
    const spot = await page.evaluate(({ c, step }) => {
      for (let y = c.y + 20; y < c.y + c.height - 20; y += 23) {
        for (let x = c.x + 20; x < c.x + c.width - 20; x += 23) {
          const tx = x + step.x;
          const ty = y + step.y;
          if (tx < c.x + 5 || ty < c.y + 5 || tx > c.x + c.width - 5 || ty > c.y + c.height - 5) continue;
          if (document.elementFromPoint(x, y)?.classList.contains('react-flow__pane')) return { x, y };
        }
      }
      return null;
    }, { c, step });
    if (!spot) return;
    await page.mouse.move(spot.x, spot.y);
    await page.mouse.down();
    await page.mouse.move(spot.x + step.x, spot.y + step.y, { steps: 6 });
    await page.mouse.up();
  }
}

export function handle(page: Page, nodeId: string, port: string, side: 'source' | 'target'): Locator {
  return node(page, nodeId).locator(`.react-flow__handle.${side}[data-handleid="${port}"]`);
}

/** Hover the source handle, press, hover the target handle, release: the way xyflow's own suite wires. */
export async function drag(page: Page, from: Locator, to: Locator): Promise<void> {
  await from.hover();
  await page.mouse.down();
  await to.hover();
  await page.mouse.up();
}

/** Opens an example graph (or, with `?fixtures=1`, a test fixture) from the toolbar's Examples menu, by file name. */
export async function openExample(page: Page, name: string): Promise<void> {
  await page.getByTestId('examples').click();
  await page.locator(`[data-testid=example-item][data-name="${name}"]`).click();
  await nodesMeasured(page);
}

export async function status(page: Page, id: string): Promise<string | null> {
  return node(page, id).getByTestId('node-status').getAttribute('data-status');
}

/** Clicks a run button and waits until that run has finished. */
export async function runAndWait(page: Page, button = 'run-all', timeout = 30_000): Promise<void> {
  const summary = page.getByTestId('run-summary');
  const before = Number(await summary.getAttribute('data-runs'));
  await page.getByTestId(button).click();
  await page.locator(`[data-testid=run-summary][data-runs="${before + 1}"]`).waitFor({ timeout });
}

export const runAll = (page: Page, timeout?: number): Promise<void> => runAndWait(page, 'run-all', timeout);

/** Save: the dialog asks for a name (typed when given, else the one it offers), and the JSON downloads. */
export async function saveGraphFile(page: Page, name?: string): Promise<{ name: string; bytes: Buffer }> {
  await page.getByTestId('save-graph').click();
  if (name !== undefined) await page.getByTestId('save-name').fill(name);
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-confirm').click()]);
  return { name: dl.suggestedFilename(), bytes: await readFile((await dl.path())!) };
}

/** The RGBA pixels of a canvas. */
export async function pixels(canvas: Locator): Promise<number[]> {
  return canvas.evaluate((c: HTMLCanvasElement) => [...c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data]);
}
