// Dialogs take the keyboard: Tab stays inside, Escape closes the top one only and focus goes back where
// it was; each is named by its title. Messages stack instead of covering each other.
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { appPerTest, nodesMeasured, openExample, shot } from './support/app.ts';

let page: Page;
appPerTest(async (app) => {
  page = app.page;
  await nodesMeasured(page);
});

/** The test id of the focused element's dialog ('' outside any), and whether focus is on the canvas. */
const focusIn = () => page.evaluate(() => {
  const el = document.activeElement;
  return {
    dialog: el?.closest('[role=dialog], [role=alertdialog]')?.getAttribute('data-testid') ?? '',
    canvas: !!el?.closest('[data-testid=canvas]'),
    key: el ? `${el.tagName}:${el.getAttribute('data-testid') ?? el.textContent?.trim()}` : '',
  };
});

/** The controls Tab can reach inside the open dialog, counted in the page. */
const tabbables = (testId: string) => page.getByTestId(testId).evaluate((d) => [...d.querySelectorAll<HTMLElement>(
  'button:not([disabled]), [href], input:not([disabled]):not([type=hidden]), select:not([disabled]), textarea:not([disabled]), [tabindex]:not([tabindex="-1"])',
)].filter((el) => el.getClientRects().length > 0).length);

/** The open dialogs' test ids, in the order they were opened (each sits in its own portal at the end of the page). */
const openDialogs = () => page.locator('[role=dialog], [role=alertdialog]').evaluateAll((els) => els.map((e) => e.getAttribute('data-testid')));

test('Tab cycles inside an open dialog and never reaches the canvas; Escape gives focus back', async () => {
  await page.getByTestId('save-graph').click();
  await page.getByTestId('save-dialog').waitFor();
  expect((await focusIn()).key).toBe('INPUT:save-name');
  const count = await tabbables('save-dialog');
  expect(count).toBeGreaterThanOrEqual(3); // the name, Save, Cancel
  const seen: string[] = [];
  for (let i = 0; i < 2 * count + 1; i++) {
    await page.keyboard.press('Tab');
    const at = await focusIn();
    expect(at.dialog).toBe('save-dialog');
    expect(at.canvas).toBe(false);
    seen.push(at.key);
  }
  expect(new Set(seen).size).toBe(count); // every control, and nothing else
  expect(seen[count]).toBe(seen[0]); // round and round
  await page.keyboard.press('Shift+Tab');
  expect((await focusIn()).dialog).toBe('save-dialog');
  await page.keyboard.press('Escape');
  await expect.poll(() => page.getByTestId('save-dialog').count()).toBe(0);
  await expect.poll(async () => (await focusIn()).key).toBe('BUTTON:save-graph');
});

test('each dialog is named by its title (aria-labelledby)', async () => {
  const named = async (testId: string, title: string) => {
    const dialog = page.getByTestId(testId);
    await dialog.waitFor();
    const id = await dialog.getAttribute('aria-labelledby');
    expect(id).toBeTruthy();
    expect(await page.locator(`[id="${id}"]`).textContent()).toBe(title);
    // Chromium's own accessible name for it.
    expect(await page.getByRole('dialog', { name: title, exact: true }).getAttribute('data-testid')).toBe(testId);
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
  };
  await page.mouse.click(900, 120);
  await page.keyboard.press('?');
  await named('help-panel', 'Keyboard shortcuts');
  await page.keyboard.press('/');
  await named('palette', 'Add node');
  await page.getByTestId('save-graph').click();
  await named('save-dialog', 'Save the graph');
  await page.getByTestId('models-button').click();
  await named('models-panel', 'Models');
});

test('Escape in a dialog opened over another closes only the top one; Tab stays in the top one', async () => {
  // A graph with a bad param (the problems dialog) that names a model this browser lacks (the missing-models dialog).
  const doc = {
    format: 'latent-loom/graph', version: 1, edges: [],
    models: { 'not-here': { id: 'not-here', sha256: '0'.repeat(64), bytes: 1000, url: 'http://127.0.0.1:9/not-here.onnx' } },
    nodes: [
      { id: 'n1', type: 'image.gradient', version: 1, position: { x: 0, y: 0 }, params: { width: 0 } },
      { id: 'n2', type: 'model.load_upscaler', version: 1, position: { x: 0, y: 200 }, params: { model: 'not-here' } },
    ],
  };
  await page.getByTestId('open-file-input').setInputFiles({ name: 'g.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
  await expect.poll(openDialogs).toHaveLength(2);
  const [under, top] = await openDialogs();
  expect([under, top].sort()).toEqual(['missing-models', 'problems']);
  await shot(page, 'dialog-over-dialog');
  for (let i = 0; i < 3; i++) {
    await page.keyboard.press('Tab');
    expect((await focusIn()).dialog).toBe(top);
  }
  await page.keyboard.press('Escape');
  await expect.poll(openDialogs).toEqual([under]);
  await page.keyboard.press('Escape');
  await expect.poll(openDialogs).toEqual([]);
});

test('messages stack one above another instead of overlapping', async () => {
  await page.mouse.click(900, 120);
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Control+c'); // "copied N nodes"
  await openExample(page, 'gradient'); // "opened …"
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Control+c');
  const toasts = page.locator('[data-testid=toasts] [data-testid=toast]');
  await expect.poll(() => toasts.count()).toBeGreaterThanOrEqual(3);
  const boxes = await toasts.evaluateAll((els) => els.map((e) => e.getBoundingClientRect().toJSON() as DOMRect));
  for (let i = 1; i < boxes.length; i++) expect(boxes[i].top).toBeGreaterThanOrEqual(boxes[i - 1].bottom);
  await shot(page, 'toasts-stacked');
});
