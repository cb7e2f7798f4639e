// The editor at first sight, on common screens: a readable fitted view, a one-line toolbar, panels that
// fold away, bounded images, real examples, no test models, dialogs that Escape closes, results that
// belong to their own graph, search by the names other tools use, and what the bundled model knows.
import type { Browser, Page } from 'playwright-core';
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launch, node, nodesMeasured, openApp, openExample, runAll, saveGraphFile, shot, status, TEST_QUERY } from './support/app.ts';
import { MIN_FIT_ZOOM, NODE_MIN_FONT_PX } from '../src/editor/canvas/readable.ts';

let browser: Browser;
beforeAll(async () => { browser = await launch(); });
afterAll(async () => { await browser?.close(); });

const PLAIN = '?backend=wasm'; // what a person opens: no developer settings

/** The canvas zoom, read off React Flow's transform. */
const zoom = (page: Page) => page.locator('.react-flow__viewport').evaluate((el) => new DOMMatrix(getComputedStyle(el).transform).a);

/** Whether a node lies wholly inside the canvas. */
async function inView(page: Page, id: string): Promise<boolean> {
  const c = (await page.getByTestId('canvas').boundingBox())!;
  const n = (await node(page, id).boundingBox())!;
  return n.x >= c.x - 1 && n.y >= c.y - 1 && n.x + n.width <= c.x + c.width + 1 && n.y + n.height <= c.y + c.height + 1;
}

/** The smallest font size of any text in a node, in CSS px at zoom 1. */
const smallestNodeFont = (page: Page) => page.locator('.react-flow__node').first().evaluate(() => {
  let min = Infinity;
  for (const el of document.querySelectorAll<HTMLElement>('.react-flow__node *')) {
    if (![...el.childNodes].some((c) => c.nodeType === 3 && c.textContent!.trim())) continue;
    min = Math.min(min, parseFloat(getComputedStyle(el).fontSize));
  }
  return min;
});

/** Whether any two nodes on the canvas overlap. */
const overlapping = (page: Page) => page.locator('.react-flow__node').evaluateAll((els) => {
  const r = els.map((e) => e.getBoundingClientRect());
  return r.some((a, i) => r.some((b, j) => j > i && a.left < b.right && b.left < a.right && a.top < b.bottom && b.top < a.bottom));
});

async function readableFirstSight(page: Page, name: string): Promise<void> {
  await nodesMeasured(page);
  await expect.poll(() => inView(page, 'output')).toBe(true); // the result's node is on screen
  const z = await zoom(page);
  expect(z).toBeGreaterThanOrEqual(MIN_FIT_ZOOM - 1e-6);
  expect(await smallestNodeFont(page)).toBeGreaterThanOrEqual(NODE_MIN_FONT_PX);
  expect(NODE_MIN_FONT_PX * z).toBeGreaterThanOrEqual(11 - 1e-6);
  expect(await overlapping(page)).toBe(false); // no node hides another
  // The toolbar is one line: nothing wraps, nothing overflows.
  const bar = page.getByTestId('toolbar');
  expect(await bar.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  expect((await bar.boundingBox())!.height).toBeLessThan(48);
  await shot(page, name);
}

test('at 1280x720: readable, one-line toolbar, real examples only, no test models, prompt help', async () => {
  const { page, context } = await openApp(browser, PLAIN, { width: 1280, height: 720 });
  await readableFirstSight(page, 'first-sight-1280x720');

  // Examples: titles with a line each; no test fixtures.
  await page.getByTestId('examples').click();
  const items = page.getByTestId('example-item');
  expect(await items.evaluateAll((els) => els.map((e) => e.getAttribute('data-name')))).toEqual(['default', 'hires-fix', 'img2img', 'inpaint', 'inpaint-photo', 'outpaint', 'prompt-editing', 'gan', 'upscale']);
  expect(await items.first().textContent()).toContain('Text to image');
  expect(await items.first().locator('.menu-desc').textContent()).toMatch(/prompt/i);
  await shot(page, 'examples-menu');
  await page.keyboard.press('Escape');
  expect(await page.getByTestId('examples-menu').count()).toBe(0);

  // Model pickers and the Models panel list no test models.
  const options = await node(page, 'upscaler').getByTestId('param-model').locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value));
  expect(options).toContain('loom-sr-x4');
  expect(options.filter((o) => o.startsWith('test-'))).toEqual([]);
  await page.getByTestId('models-button').click();
  await page.locator('[data-testid=model-row][data-model-id="loom-emoji-sd"]').waitFor();
  expect(await page.locator('[data-testid=model-row][data-model-id^="test-"]').count()).toBe(0);

  // An open dialog owns the keyboard: Ctrl+Enter does not run the graph behind it; Escape closes it.
  const runs = await page.getByTestId('run-summary').getAttribute('data-runs');
  await page.keyboard.press('Control+Enter');
  await page.waitForTimeout(300);
  expect(await page.getByTestId('run-summary').getAttribute('data-running')).toBe('false');
  expect(await page.getByTestId('run-summary').getAttribute('data-runs')).toBe(runs);
  await page.keyboard.press('Escape');
  await expect.poll(() => page.getByTestId('models-panel').count()).toBe(0);

  // With nothing selected, the inspector holds the graph's prompts: the prompt and the result are both in sight.
  // The prompt says what the bundled model knows and completes from it.
  const inspector = page.getByTestId('inspector').locator('[data-node-id="positive"]');
  expect(await inspector.getByTestId('prompt-help').textContent()).toMatch(/emoji/);
  await inspector.getByTestId('param-text').fill('cact');
  await inspector.locator('[data-testid=prompt-offer]', { hasText: 'cactus' }).click();
  expect(await inspector.getByTestId('param-text').inputValue()).toBe('cactus');
  await shot(page, 'prompt-help');
  await context.close();
});

test('at 1280x720: the inspector and the gallery fold away, and stay folded after a reload', async () => {
  const { page, context } = await openApp(browser, PLAIN, { width: 1280, height: 720 });
  await nodesMeasured(page);
  const canvasWidth = async () => (await page.getByTestId('canvas').boundingBox())!.width;
  const before = await canvasWidth();
  await page.getByTestId('inspector-toggle').click();
  await page.getByTestId('gallery-toggle').click();
  expect(await canvasWidth()).toBeGreaterThan(before + 200);
  await shot(page, 'panels-folded');
  await page.reload();
  await page.locator('[data-testid=backend-name][data-ready=true]').waitFor({ timeout: 30_000 });
  expect(await page.getByTestId('inspector').getAttribute('data-collapsed')).toBe('true');
  expect(await page.getByTestId('gallery').getAttribute('data-collapsed')).toBe('true');
  await page.getByTestId('inspector-toggle').click();
  await page.getByTestId('gallery-toggle').click();
  expect(await page.getByTestId('inspector').getAttribute('data-collapsed')).toBe('false');
  await context.close();
});

test('at 1920x1080: readable; examples open fitted; images on nodes are bounded, a batch is a grid that enlarges', async () => {
  const { page, context } = await openApp(browser, PLAIN, { width: 1920, height: 1080 });
  await readableFirstSight(page, 'first-sight-1920x1080');

  // gan.json was saved with a view of its own: an example opens fitted anyway, its outputs in sight.
  await openExample(page, 'gan');
  await expect.poll(() => inView(page, 'sheet_out')).toBe(true);
  await expect.poll(() => inView(page, 'strip_out')).toBe(true);

  // A wire from the 16-seed generator dropped on empty canvas; "preview" finds Image Output.
  await page.locator('.react-flow__node[data-id="samples"] .react-flow__handle.source[data-handleid="images"]').hover();
  await page.mouse.down();
  const c = (await page.getByTestId('canvas').boundingBox())!;
  await page.mouse.move(c.x + c.width / 2, c.y + c.height - 120, { steps: 6 });
  await page.mouse.up();
  await page.getByTestId('palette-search').fill('preview');
  await expect.poll(() => page.locator('[data-testid=palette-item][aria-selected=true]').getAttribute('data-type')).toBe('image.output');
  await page.keyboard.press('Enter');
  await nodesMeasured(page);
  const added = (await page.locator('.react-flow__node.selected').getAttribute('data-id'))!;
  await runAll(page, 60_000);
  expect(await status(page, added)).toBe('done');
  const cells = node(page, added).getByTestId('node-image');
  expect(await cells.count()).toBe(16);
  const box = (await node(page, added).locator('.node-images').boundingBox())!;
  expect(box.width).toBeLessThanOrEqual(230 * (await zoom(page)) + 1);
  expect((await cells.first().boundingBox())!.width).toBeLessThan(box.width / 3);
  await shot(page, 'batch-grid-on-node');
  // The new node sits low, partly under the gallery: fit the view (as a user would) before clicking a cell.
  await page.locator('.react-flow__controls-fitview').click();
  await expect.poll(async () => (await cells.nth(15).boundingBox())!.y + 20 < (await page.getByTestId('canvas').boundingBox())!.y + c.height).toBe(true);
  await cells.nth(5).click();
  await page.getByTestId('enlarged-image').waitFor();
  expect(await page.getByTestId('enlarged-image').textContent()).toContain('image 6 of 16');
  await shot(page, 'batch-item-enlarged');
  await page.keyboard.press('Escape');
  await expect.poll(() => page.getByTestId('enlarged-image').count()).toBe(0);
  await context.close();
});

test('no example opens with one node over another', async () => {
  const { page, context } = await openApp(browser, PLAIN, { width: 1280, height: 720 });
  await page.getByTestId('examples').click();
  const names = await page.locator('[data-testid=example-item]').evaluateAll((items) => items.map((i) => i.getAttribute('data-name')!));
  await page.keyboard.press('Escape');
  expect(names.length).toBeGreaterThan(5);
  for (const name of names) {
    await openExample(page, name);
    const boxes = await page.locator('.react-flow__node:not(.react-flow__node-group)').evaluateAll((nodes) => nodes.map((n) => {
      const r = n.getBoundingClientRect();
      return { id: n.getAttribute('data-id')!, x: r.x, y: r.y, w: r.width, h: r.height };
    }));
    const overlaps = [];
    for (const [i, a] of boxes.entries()) for (const b of boxes.slice(i + 1)) {
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) overlaps.push(`${a.id} / ${b.id}`);
    }
    expect(overlaps, name).toEqual([]);
  }
  await context.close();
});

test('a new node never shows another graph\'s result; the gallery counts the user\'s runs across a backend switch', async () => {
  const { page, context } = await openApp(browser, TEST_QUERY, { width: 1400, height: 900 });
  await openExample(page, 'gradient'); // n1 gradient -> n2 output
  await runAll(page);
  await node(page, 'n1').getByTestId('node-title').click();
  await page.getByTestId('inspector-outputs').waitFor();
  expect(await page.locator('[data-testid=gallery-item] figcaption').first().textContent()).toContain('run 1');

  // Another graph, a Resize added: it gets the id n1 again, and must not show the gradient.
  await openExample(page, 'gan');
  // The canvas's corner: a fixed point on the page may fall on a node's field while the view still fits.
  await page.locator('.react-flow__pane').click({ position: { x: 10, y: 10 } });
  await page.keyboard.press('/');
  await page.getByTestId('palette-search').fill('resize');
  await expect.poll(() => page.locator('[data-testid=palette-item][aria-selected=true]').getAttribute('data-type')).toBe('image.resize');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId('palette').count()).toBe(0);
  await nodesMeasured(page);
  expect(await page.locator('.react-flow__node.selected').getAttribute('data-id')).toBe('n1');
  await page.waitForTimeout(300);
  expect(await page.getByTestId('inspector-outputs').count()).toBe(0);
  expect(await node(page, 'n1').getByTestId('node-image').count()).toBe(0);
  await shot(page, 'new-node-no-stale-output');

  // A backend switch restarts the engine (its run ids start again); the gallery's numbers go on.
  await openExample(page, 'gradient');
  await page.getByTestId('backend-select').selectOption('auto');
  await page.locator('[data-testid=backend-name][data-ready=true]').waitFor({ timeout: 30_000 });
  await page.getByTestId('examples').focus(); // off the select, so Ctrl+Enter reaches the editor
  await runAll(page);
  expect(await page.locator('[data-testid=gallery-item] figcaption').first().textContent()).toContain('run 2');
  await context.close();
});

test('Load Image shows its picture as soon as it is chosen, before any run', async () => {
  const { page, context } = await openApp(browser, PLAIN, { width: 1280, height: 720 });
  await nodesMeasured(page);
  await page.mouse.click(500, 300);
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  await page.keyboard.press('/');
  await page.getByTestId('palette-search').fill('load image');
  await expect.poll(() => page.locator('[data-testid=palette-item][aria-selected=true]').getAttribute('data-type')).toBe('image.load');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId('palette').count()).toBe(0);
  await nodesMeasured(page);
  const id = (await page.locator('.react-flow__node.selected').getAttribute('data-id'))!;
  const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 30, g: 160, b: 90 } } }).png().toBuffer();
  await page.getByTestId('inspector').getByTestId('file-input-image').setInputFiles({ name: 'green.png', mimeType: 'image/png', buffer: png });
  const preview = node(page, id).getByTestId('file-preview-image');
  await preview.waitFor();
  await expect.poll(() => preview.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(40);
  await shot(page, 'load-image-preview');

  // Save puts the (small) picture in the file; the file opens with it in another browser profile.
  await page.getByTestId('save-graph').click();
  expect(await page.getByTestId('save-embed-images').isChecked()).toBe(true);
  await shot(page, 'save-with-images');
  await page.getByTestId('save-name').fill('with picture');
  const [dl] = await Promise.all([page.waitForEvent('download'), page.getByTestId('save-confirm').click()]);
  const saved = await readFile((await dl.path())!, 'utf8');
  const param = JSON.parse(saved).nodes.find((n: { id: string }) => n.id === id).params.image as string;
  expect(param.startsWith('data:image/png;name=green.png;base64,')).toBe(true);
  await context.close();

  const other = await openApp(browser, PLAIN, { width: 1280, height: 720 }); // a fresh profile: no uploads stored
  await other.page.getByTestId('open-file-input').setInputFiles({ name: 'with picture.json', mimeType: 'application/json', buffer: Buffer.from(saved) });
  await nodesMeasured(other.page);
  const again = node(other.page, id).getByTestId('file-preview-image');
  await expect.poll(() => again.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth).catch(() => 0)).toBe(40);
  expect(await node(other.page, id).getByTestId('file-name-image').textContent()).toContain('green.png');
  await other.context.close();
});

test('search finds nodes by the names other tools use', async () => {
  const { page, context } = await openApp(browser, PLAIN, { width: 1280, height: 720 });
  await nodesMeasured(page);
  await page.mouse.click(500, 300);
  const first = async (text: string) => {
    // The pointer resting over the list would pick the item under it: keep it out of the way.
    await page.mouse.move(0, 0);
    await page.getByTestId('palette-search').fill(text);
    return page.locator('[data-testid=palette-item][aria-selected=true]').getAttribute('data-type');
  };
  await page.keyboard.press('/');
  await expect.poll(() => first('ksampler')).toBe('diffusion.denoise');
  expect(await page.locator('[data-testid=palette-item][aria-selected=true] [data-testid=palette-alias]').textContent()).toContain('ksampler');
  await shot(page, 'search-ksampler');
  await expect.poll(() => first('upscl')).toBe('image.upscale');
  await expect.poll(() => first('checkpoint')).toBe('diffusion.load_checkpoint');
  await page.keyboard.press('Escape');
  await context.close();
});


test('right-click menus on a node, a wire and the canvas; new nodes land at the cursor and never on others', async () => {
  const { page, context } = await openApp(browser, TEST_QUERY, { width: 1400, height: 900 });
  await openExample(page, 'gradient'); // n1 -> n2
  const count = () => page.locator('.react-flow__node').count();
  const edges = () => page.locator('.react-flow__edge').count();

  await node(page, 'n1').getByTestId('node-title').click({ button: 'right' });
  await page.locator('[data-testid=context-menu] [role=menu]').waitFor();
  await shot(page, 'context-menu-node');
  await page.getByTestId('menu-bypass').click();
  expect(await node(page, 'n1').getByTestId('node-status').getAttribute('data-status')).toBe('bypassed');
  await node(page, 'n1').getByTestId('node-title').click({ button: 'right' });
  expect(await page.getByTestId('menu-bypass').textContent()).toBe('Turn bypass off');
  await page.keyboard.press('Escape');
  await expect.poll(() => page.getByTestId('context-menu').count()).toBe(0);
  await page.keyboard.press('Control+z');

  await node(page, 'n1').getByTestId('node-title').click({ button: 'right' });
  await page.getByTestId('menu-duplicate').click();
  await nodesMeasured(page);
  expect(await count()).toBe(3);
  expect(await overlapping(page)).toBe(false);

  // The wire: right-click on its path.
  const from = (await node(page, 'n1').locator('.react-flow__handle.source').boundingBox())!;
  const to = (await node(page, 'n2').locator('.react-flow__handle.target').boundingBox())!;
  await page.mouse.click((from.x + from.width / 2 + to.x + to.width / 2) / 2, (from.y + from.height / 2 + to.y + to.height / 2) / 2, { button: 'right' }); // the middle of the wire
  await page.getByTestId('menu-delete-wire').click();
  expect(await edges()).toBe(0);
  await page.keyboard.press('Control+z');
  await expect.poll(edges).toBe(1);

  // The canvas: add a node where the menu was opened.
  const c = (await page.getByTestId('canvas').boundingBox())!;
  const spot = { x: c.x + 120, y: c.y + c.height - 200 };
  await page.mouse.click(spot.x, spot.y, { button: 'right' });
  await page.getByTestId('menu-add').click();
  await page.getByTestId('palette-search').fill('gradient');
  await expect.poll(() => page.locator('[data-testid=palette-item][aria-selected=true]').getAttribute('data-type')).toBe('image.gradient');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId('palette').count(), { timeout: 5000 }).toBe(0);
  await nodesMeasured(page);
  const added = (await page.locator('.react-flow__node.selected').boundingBox())!;
  expect(Math.abs(added.x - spot.x)).toBeLessThan(24); // where the menu opened (or just below a node it would cover)
  expect(added.y).toBeGreaterThan(spot.y - 24);
  expect(await overlapping(page)).toBe(false);

  // `/` adds at the cursor; where that would cover a node, just below it.
  const n2 = (await node(page, 'n2').boundingBox())!;
  await page.mouse.move(n2.x + 10, n2.y + 10);
  await page.keyboard.press('/');
  await page.getByTestId('palette-search').fill('image output');
  await expect.poll(() => page.locator('[data-testid=palette-item][aria-selected=true]').getAttribute('data-type')).toBe('image.output');
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId('palette').count(), { timeout: 5000 }).toBe(0);
  await nodesMeasured(page);
  const placed = (await page.locator('.react-flow__node.selected').boundingBox())!;
  expect(Math.abs(placed.x - (n2.x + 10))).toBeLessThan(24);
  expect(placed.y).toBeGreaterThan(n2.y + n2.height);
  expect(await overlapping(page)).toBe(false);

  // Paste goes to the cursor too, clear of the others.
  await node(page, 'n1').getByTestId('node-title').click();
  await page.keyboard.press('Control+c');
  await page.mouse.move(c.x + c.width - 300, c.y + 60);
  await page.keyboard.press('Control+v');
  await nodesMeasured(page);
  expect(await overlapping(page)).toBe(false);
  // Messages stack instead of covering each other.
  await page.evaluate(() => document.dispatchEvent(new ClipboardEvent('copy', { clipboardData: new DataTransfer(), bubbles: true })));
  const toasts = page.locator('[data-testid=toasts] [data-testid=toast]');
  await expect.poll(() => toasts.count()).toBeGreaterThan(1);
  const boxes = await toasts.evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => [r.top, r.bottom]));
  for (let i = 1; i < boxes.length; i++) expect(boxes[i][0]).toBeGreaterThanOrEqual(boxes[i - 1][1]);
  await shot(page, 'placed-at-cursor');

  // Disconnect takes every wire of the node away.
  await node(page, 'n2').getByTestId('node-title').click({ button: 'right' });
  await page.getByTestId('menu-disconnect').click();
  expect(await edges()).toBe(0);
  await context.close();
});

test('Run N times queues N runs; seeds set to increment move on; the queue lists, reorders and removes waiting runs', async () => {
  const { page, context } = await openApp(browser, PLAIN, { width: 1400, height: 900 });
  await openExample(page, 'gan');
  const runs = async () => Number(await page.getByTestId('run-summary').getAttribute('data-runs'));
  const start = await runs();
  await node(page, 'samples').getByTestId('node-title').click();
  const inspector = page.getByTestId('inspector');
  await inspector.getByTestId('seed-mode-seed').selectOption('increment');
  const seed = Number(await inspector.getByTestId('param-seed').inputValue());
  await page.getByTestId('run-times').fill('3');
  await page.getByTestId('run-all').click();
  await page.locator(`[data-testid=run-summary][data-runs="${start + 3}"]`).waitFor({ timeout: 60_000 });
  expect(Number(await inspector.getByTestId('param-seed').inputValue())).toBe(seed + 3);
  const captions = await page.locator('[data-testid=gallery-item][data-node-id=sheet_out] figcaption').allTextContents();
  expect(captions.slice(0, 3).map((c) => /run (\d+)/.exec(c)![1])).toEqual(['3', '2', '1']);

  // A slower graph: the text-to-image example on the bundled model. Three runs asked for, two wait.
  await openExample(page, 'default');
  const before = await runs();
  await page.getByTestId('run-all').click(); // still ×3
  await page.getByTestId('queue-button').click();
  await expect.poll(() => page.getByTestId('queued-run').count()).toBe(2);
  await shot(page, 'queue-panel');
  const ids = await page.getByTestId('queued-run').evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')));
  await page.getByTestId('queued-run').nth(1).getByTestId('queued-up').click();
  expect(await page.getByTestId('queued-run').evaluateAll((els) => els.map((e) => e.getAttribute('data-run-id')))).toEqual([ids[1], ids[0]]);
  await page.getByTestId('queued-run').first().getByTestId('queued-remove').click();
  expect(await page.getByTestId('queued-run').count()).toBe(1);
  await page.locator(`[data-testid=run-summary][data-runs="${before + 2}"]`).waitFor({ timeout: 120_000 });
  await page.waitForTimeout(500);
  expect(await runs()).toBe(before + 2);
  expect(await page.getByTestId('queued-run').count()).toBe(0);
  await context.close();
}, 180_000);

/** In the GAN example: picks the model of its Load GAN in the inspector. */
async function pickGan(page: Page, id: string): Promise<void> {
  await node(page, 'gan').getByTestId('node-title').click();
  await page.getByTestId('inspector').getByTestId('param-model').selectOption(id);
}

test('a GAN Generator offers the truncation ψ its model suggests, and takes it in one click, undoably', async () => {
  const { page, context } = await openApp(browser);
  await openExample(page, 'gan');
  const inspector = page.getByTestId('inspector');
  const model = (id: string) => pickGan(page, id);
  await model('test-tiny-gan'); // its manifest suggests no psi
  await node(page, 'samples').getByTestId('node-title').click();
  await inspector.getByTestId('param-truncation').fill('1');
  expect(await inspector.getByTestId('psi-hint').count()).toBe(0);
  await model('test-tiny-gan-psi'); // its manifest: psi 0.7
  await node(page, 'samples').getByTestId('node-title').click();
  await expect.poll(() => inspector.getByTestId('psi-hint').textContent()).toMatch(/suggests truncation ψ 0\.7/);
  await inspector.getByTestId('psi-use').click();
  expect(await inspector.getByTestId('param-truncation').inputValue()).toBe('0.7');
  expect(await inspector.getByTestId('psi-hint').count()).toBe(0);
  await page.mouse.click(900, 120);
  await page.keyboard.press('Control+z');
  await node(page, 'samples').getByTestId('node-title').click();
  expect(await inspector.getByTestId('param-truncation').inputValue()).toBe('1');
  await context.close();
});

test('a GAN Generator on a class-conditional model says what its subject draws and offers the names it knows', async () => {
  const { page, context } = await openApp(browser);
  await openExample(page, 'gan');
  const inspector = page.getByTestId('inspector');
  const model = async (id: string) => {
    await pickGan(page, id);
    await node(page, 'samples').getByTestId('node-title').click();
  };
  await model('test-tiny-gan'); // not class-conditional
  expect(await inspector.getByTestId('gan-subjects').count()).toBe(0);
  await model('test-tiny-gan-label'); // classes: red heart, cat face (cat), cat (kitty)
  await expect.poll(() => inspector.getByTestId('gan-subjects').textContent()).toMatch(/any of its 3 emoji, one per seed/);
  await inspector.getByTestId('param-subject').fill('fac');
  await expect.poll(() => inspector.getByTestId('gan-subjects').textContent()).toMatch(/names no emoji it knows; did you mean:/);
  await inspector.getByTestId('gan-subject-offer').filter({ hasText: 'cat face' }).click();
  expect(await inspector.getByTestId('param-subject').inputValue()).toBe('cat face');
  await expect.poll(() => inspector.getByTestId('gan-subjects').textContent()).toMatch(/draws cat face/);
  await inspector.getByTestId('param-subject').fill('a cat');
  await expect.poll(() => inspector.getByTestId('gan-subjects').textContent()).toMatch(/draws 2 emoji called so, one per seed: cat face, cat/);
  await runAll(page, 90_000); // the class input (int64) goes through onnxruntime-web too
  expect(await status(page, 'samples'), await page.getByTestId('node-message').allTextContents().then((t) => t.join('; '))).toBe('done');
  await inspector.getByTestId('param-subject').fill('zebra');
  await runAll(page, 90_000);
  expect(await status(page, 'samples')).toBe('failed');
  expect((await page.getByTestId('node-message').allTextContents()).join('; ')).toMatch(/subject "zebra" names none of this GAN's 3 classes/);
  await context.close();
}, 120_000);

test('the gallery says what made each image, moves with the arrow keys, and compares two with a slider', async () => {
  const { page, context } = await openApp(browser, PLAIN, { width: 1400, height: 900 });
  await openExample(page, 'gan');
  await node(page, 'samples').getByTestId('node-title').click();
  await page.getByTestId('inspector').getByTestId('seed-mode-seed').selectOption('increment');
  const seed = Number(await page.getByTestId('inspector').getByTestId('param-seed').inputValue());
  const start = Number(await page.getByTestId('run-summary').getAttribute('data-runs'));
  await page.getByTestId('run-times').fill('2');
  await page.getByTestId('run-all').click();
  await page.locator(`[data-testid=run-summary][data-runs="${start + 2}"]`).waitFor({ timeout: 60_000 });
  const sheets = page.locator('[data-testid=gallery-item][data-node-id=sheet_out] [data-testid=gallery-image]');
  await sheets.first().click();
  const viewer = page.getByTestId('gallery-viewer');
  await viewer.waitFor();
  const fact = (k: string) => viewer.locator(`[data-fact="${k}"]`).textContent();
  expect(await fact('seed')).toBe(String(seed + 1)); // the newest run used the incremented seed
  expect(await fact('model')).toBe('loom-emoji-gan');
  expect(await fact('made')).toMatch(/run 2/);
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => page.getByTestId('viewer-position').textContent()).toMatch(/^2 \//);
  await page.keyboard.press('ArrowLeft');
  await expect.poll(() => page.getByTestId('viewer-position').textContent()).toMatch(/^1 \//);
  await page.getByTestId('compare-with').selectOption({ index: 1 }); // the other sheet: same size
  await page.getByTestId('compare-slider').fill('30');
  expect(await page.getByTestId('compare').count()).toBe(1);
  await shot(page, 'gallery-compare');
  await page.getByTestId('viewer-close').click();

  // The gallery survives a reload, within a size shown beside it; Clear forgets it.
  const count = await page.getByTestId('gallery-item').count();
  await expect.poll(() => page.getByTestId('history-info').textContent()).toContain(`kept: ${count}`);
  await page.reload();
  await page.locator('[data-testid=backend-name][data-ready=true]').waitFor({ timeout: 30_000 });
  await expect.poll(() => page.getByTestId('gallery-item').count()).toBe(count);
  await page.locator('[data-testid=gallery-item][data-node-id=sheet_out] [data-testid=gallery-image]').first().click();
  expect(await page.getByTestId('gallery-viewer').locator('[data-fact="seed"]').textContent()).toBe(String(seed + 1));
  await page.keyboard.press('Escape');
  await shot(page, 'gallery-after-reload');
  await page.getByTestId('history-clear').click();
  await expect.poll(() => page.getByTestId('gallery-item').count()).toBe(0);
  await page.reload();
  await page.locator('[data-testid=backend-name][data-ready=true]').waitFor({ timeout: 30_000 });
  await page.waitForTimeout(500);
  expect(await page.getByTestId('gallery-item').count()).toBe(0);
  await context.close();
}, 120_000);

test('a group is a titled box that moves its nodes together, bypasses all it holds, and is saved with the graph', async () => {
  const { page, context } = await openApp(browser, TEST_QUERY, { width: 1400, height: 900 });
  await openExample(page, 'gradient'); // n1 -> n2
  await page.mouse.click(700, 120);
  await page.keyboard.press('Control+a');
  await node(page, 'n1').getByTestId('node-title').click({ button: 'right' });
  await page.getByTestId('menu-group').click();
  const group = page.getByTestId('group');
  await group.waitFor();
  await group.getByTestId('group-title').fill('Source and output');
  await group.getByTestId('group-title').blur();

  await group.getByTestId('group-bypass').click();
  expect(await node(page, 'n1').getByTestId('node-status').getAttribute('data-status')).toBe('bypassed');
  expect(await node(page, 'n2').getByTestId('node-status').getAttribute('data-status')).toBe('bypassed');
  await group.getByTestId('group-bypass').click();
  expect(await node(page, 'n1').getByTestId('node-status').count()).toBe(0);

  // Drag the box by its header: both nodes come along; one undo puts all back.
  const before = (await node(page, 'n2').boundingBox())!;
  const handle = (await group.getByTestId('group-drag').boundingBox())!;
  await page.mouse.move(handle.x + handle.width / 2, handle.y + handle.height / 2);
  await page.mouse.down();
  await page.mouse.move(handle.x + handle.width / 2 + 60, handle.y + handle.height / 2 + 120, { steps: 8 });
  await page.mouse.up();
  const after = (await node(page, 'n2').boundingBox())!;
  expect(after.y - before.y).toBeGreaterThan(80);
  await shot(page, 'group');
  await page.keyboard.press('Control+z');
  await expect.poll(async () => Math.round((await node(page, 'n2').boundingBox())!.y)).toBe(Math.round(before.y));

  const saved = JSON.parse((await saveGraphFile(page, 'grouped')).bytes.toString());
  expect(saved.groups).toEqual([expect.objectContaining({ title: 'Source and output' })]);
  await context.close();
});

test('a reroute dot on a wire passes its value on and takes the colour of what it carries', async () => {
  const { page, context } = await openApp(browser, TEST_QUERY, { width: 1400, height: 900 });
  await openExample(page, 'gradient'); // n1 -> n2
  const from = (await node(page, 'n1').locator('.react-flow__handle.source').boundingBox())!;
  const to = (await node(page, 'n2').locator('.react-flow__handle.target').boundingBox())!;
  await page.mouse.click((from.x + from.width / 2 + to.x + to.width / 2) / 2, (from.y + from.height / 2 + to.y + to.height / 2) / 2, { button: 'right' });
  await page.getByTestId('menu-reroute').click();
  const dot = page.locator('.react-flow__node[data-id="n3"] [data-type="core.reroute"]');
  await dot.waitFor();
  await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(2);
  expect(await dot.getAttribute('data-carries')).toBe('IMAGE');
  await runAll(page);
  expect(await status(page, 'n2')).toBe('done');
  expect(await node(page, 'n2').getByTestId('node-image').count()).toBe(1);
  await shot(page, 'reroute');
  await page.keyboard.press('Control+z');
  await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(1);
  await context.close();
});
