// Building a graph by hand: search, wiring by dragging, refused wires, undo/redo, copy/paste.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { appPerTest, drag, edgeCount, handle, node, nodeCount, nodesMeasured, runAll, shot } from './support/app.ts';

let page: Page;
appPerTest(async (app) => {
  page = app.page;
  await nodesMeasured(page);
});

/** Double-click on empty canvas, search, Enter: the new node is selected. */
async function addNode(x: number, y: number, search: string, type: string): Promise<string> {
  await page.mouse.dblclick(x, y);
  await page.getByTestId('palette-search').fill(search);
  await expect.poll(() => page.locator('[data-testid=palette-item][aria-selected=true]').getAttribute('data-type')).toBe(type);
  await page.keyboard.press('Enter');
  await expect.poll(() => page.getByTestId('palette').count()).toBe(0);
  const id = await page.locator('.react-flow__node.selected').getAttribute('data-id');
  await nodesMeasured(page);
  return id!;
}

/** An empty canvas: select all, delete. */
async function clearCanvas(): Promise<void> {
  await page.mouse.click(900, 120);
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  expect(await nodeCount(page)).toBe(0);
}

/** On an empty canvas, a Gradient (n1) wired into an Image Output (n2), added and wired by hand. */
async function gradientIntoOutput(): Promise<{ gradient: string; output: string }> {
  await clearCanvas();
  const gradient = await addNode(150, 150, 'gradient', 'image.gradient');
  const output = await addNode(600, 150, 'image output', 'image.output');
  expect([gradient, output]).toEqual(['n1', 'n2']);
  await drag(page, handle(page, gradient, 'image', 'source'), handle(page, output, 'image', 'target'));
  expect(await edgeCount(page)).toBe(1);
  return { gradient, output };
}

const toast = () => page.locator('[data-testid=toast][data-kind=error]').last();

test('clear the canvas with select all and delete', async () => {
  expect(await nodeCount(page)).toBeGreaterThan(0);
  await clearCanvas();
});

test('the search is keyboard first and filters by port type', async () => {
  await page.mouse.click(900, 120);
  await page.keyboard.press('/');
  await expect.poll(() => page.getByTestId('palette').count()).toBe(1);
  await page.getByTestId('palette-port-type').selectOption('MODEL');
  const types = await page.getByTestId('palette-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
  expect(types).toContain('model.load');
  expect(types).not.toContain('image.gradient');
  await page.getByTestId('palette-port-type').selectOption('');
  await page.getByTestId('palette-search').fill('image');
  const active = () => page.locator('[data-testid=palette-item][aria-selected=true]').getAttribute('data-type');
  const items = await page.getByTestId('palette-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
  expect(await active()).toBe(items[0]);
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  expect(await active()).toBe(items[2]);
  await page.keyboard.press('ArrowUp');
  expect(await active()).toBe(items[1]);
  await page.keyboard.press('Escape');
  expect(await page.getByTestId('palette').count()).toBe(0);
});

test('add nodes from search and wire them by dragging', async () => {
  await gradientIntoOutput();
  expect(await nodeCount(page)).toBe(2);
  await shot(page, 'wired');
});

test('a refused wire says why (wrong type, cycle); a wire into a taken input replaces the old one', async () => {
  const { output } = await gradientIntoOutput();
  const loader = await addNode(150, 480, 'load model', 'model.load');
  await drag(page, handle(page, loader, 'model', 'source'), handle(page, output, 'image', 'target'));
  await expect.poll(() => toast().textContent()).toContain('MODEL cannot feed IMAGE');
  await shot(page, 'refused-wire');

  const second = await addNode(150, 330, 'gradient', 'image.gradient');
  // React Flow labels each wire "Edge from A to B".
  const wiredFrom = () => page.locator('.react-flow__edge').evaluateAll((els, out) => els
    .map((e) => e.getAttribute('aria-label') ?? '').filter((s) => s.endsWith(` to ${out}`)).map((s) => s.split(' ')[2]), output);
  const edgesBefore = await edgeCount(page);
  await drag(page, handle(page, second, 'image', 'source'), handle(page, output, 'image', 'target'));
  expect(await edgeCount(page)).toBe(edgesBefore); // replaced, not added
  expect(await wiredFrom()).toEqual([second]);
  await page.keyboard.press('Control+z'); // one step brings the old wire back
  expect(await edgeCount(page)).toBe(edgesBefore);
  expect(await wiredFrom()).not.toContain(second);

  const a = await addNode(600, 420, 'image output', 'image.output');
  const b = await addNode(850, 420, 'image output', 'image.output');
  await drag(page, handle(page, a, 'image', 'source'), handle(page, b, 'image', 'target'));
  expect(await edgeCount(page)).toBe(2);
  await drag(page, handle(page, b, 'image', 'source'), handle(page, a, 'image', 'target'));
  await expect.poll(() => toast().textContent()).toContain('cycle');
  expect(await edgeCount(page)).toBe(2);
});

test('a wire dropped on empty canvas opens the search for nodes that take it, and connects', async () => {
  const { gradient } = await gradientIntoOutput();
  const before = await edgeCount(page);
  await handle(page, gradient, 'image', 'source').hover();
  await page.mouse.down();
  await page.mouse.move(420, 300, { steps: 5 });
  await page.mouse.up();
  await expect.poll(() => page.getByTestId('palette').count()).toBe(1);
  const types = await page.getByTestId('palette-item').evaluateAll((els) => els.map((e) => e.getAttribute('data-type')));
  expect(types).toContain('image.apply_model');
  expect(types).not.toContain('model.load');
  await page.getByTestId('palette-search').fill('apply');
  await page.keyboard.press('Enter');
  await nodesMeasured(page);
  expect(await edgeCount(page)).toBe(before + 1);
});

test('undo and redo every edit, a drag being one step', async () => {
  await gradientIntoOutput();
  await page.getByTestId('undo').click(); // the wire
  expect(await edgeCount(page)).toBe(0);
  await page.getByTestId('undo').click(); // the output node
  expect(await nodeCount(page)).toBe(1);
  await page.keyboard.press('Control+Shift+z');
  expect(await nodeCount(page)).toBe(2);
  await page.keyboard.press('Control+Shift+z');
  await expect.poll(() => edgeCount(page)).toBe(1); // a wire is drawn once its re-added node is measured

  const title = node(page, 'n1').getByTestId('node-title');
  const start = await node(page, 'n1').boundingBox();
  await title.hover();
  await page.mouse.down();
  await page.mouse.move(start!.x + 80, start!.y + 200, { steps: 8 });
  await page.mouse.move(start!.x + 120, start!.y + 260, { steps: 8 });
  await page.mouse.up();
  const moved = await node(page, 'n1').boundingBox();
  expect(moved!.y).toBeGreaterThan(start!.y + 100);
  await page.keyboard.press('Control+z');
  await expect.poll(async () => Math.round((await node(page, 'n1').boundingBox())!.y)).toBe(Math.round(start!.y));
});

test('typing in a param field is one undo step; bad values are refused with the reason', async () => {
  await gradientIntoOutput();
  await node(page, 'n1').getByTestId('node-title').click();
  const width = page.getByTestId('inspector').getByTestId('param-width');
  await width.fill('0');
  await expect.poll(() => page.getByTestId('inspector').getByTestId('param-error-width').textContent()).toContain('at least 1');
  await width.fill('12');
  await width.pressSequentially('8');
  await width.blur();
  expect(await node(page, 'n1').getByTestId('param-width').inputValue()).toBe('128');
  await page.keyboard.press('Control+z');
  expect(await node(page, 'n1').getByTestId('param-width').inputValue()).toBe('64');
});

test('copy and paste keep the wires between the copied nodes', async () => {
  await gradientIntoOutput();
  const nodes = await nodeCount(page);
  const edges = await edgeCount(page);
  await node(page, 'n1').getByTestId('node-title').click();
  await node(page, 'n2').getByTestId('node-title').click({ modifiers: ['Control'] });
  await page.keyboard.press('Control+c');
  await page.keyboard.press('Control+v');
  await nodesMeasured(page);
  expect(await nodeCount(page)).toBe(nodes + 2);
  expect(await edgeCount(page)).toBe(edges + 1);
  await page.keyboard.press('Control+d');
  expect(await nodeCount(page)).toBe(nodes + 4);
  await page.keyboard.press('Delete');
  expect(await nodeCount(page)).toBe(nodes + 2);
  await shot(page, 'pasted');
});

test('pasting a graph document as text adds its nodes and wires', async () => {
  const nodes = await nodeCount(page);
  const edges = await edgeCount(page);
  const text = await readFile(resolve(import.meta.dirname, '../graphs/gradient.json'), 'utf8');
  await page.mouse.click(900, 120);
  await page.evaluate((t) => {
    const data = new DataTransfer();
    data.setData('text/plain', t);
    document.body.dispatchEvent(new ClipboardEvent('paste', { clipboardData: data, bubbles: true }));
  }, text);
  await nodesMeasured(page);
  expect(await nodeCount(page)).toBe(nodes + 2);
  expect(await edgeCount(page)).toBe(edges + 1);
  await page.keyboard.press('Control+z');
  expect(await nodeCount(page)).toBe(nodes);
});

test('dragging from a wired input picks the wire up: drop it on empty canvas to detach', async () => {
  await gradientIntoOutput();
  const edges = await edgeCount(page);
  await handle(page, 'n2', 'image', 'target').hover();
  await page.mouse.down();
  await page.mouse.move(700, 650, { steps: 5 });
  await page.mouse.up();
  expect(await edgeCount(page)).toBe(edges - 1);
  expect(await page.getByTestId('palette').count()).toBe(0);
  await page.keyboard.press('Control+z');
  expect(await edgeCount(page)).toBe(edges);
});

test('shift-drag draws a selection box', async () => {
  await page.mouse.click(900, 120);
  const box = await page.getByTestId('canvas').boundingBox();
  await page.keyboard.down('Shift');
  await page.mouse.move(box!.x + 5, box!.y + 5);
  await page.mouse.down();
  await page.mouse.move(box!.x + box!.width - 5, box!.y + box!.height - 5, { steps: 10 });
  await page.mouse.up();
  await page.keyboard.up('Shift');
  await expect.poll(() => page.locator('.react-flow__node.selected').count()).toBeGreaterThan(3);
  expect(await page.getByTestId('inspector').textContent()).toMatch(/nodes selected/);
});

test('the help panel lists the shortcuts', async () => {
  await page.mouse.click(900, 120);
  await page.keyboard.press('?');
  expect(await page.getByTestId('help-panel').textContent()).toContain('Undo');
  await page.keyboard.press('Escape');
  expect(await page.getByTestId('help-panel').count()).toBe(0);
});

test('a note holds text on the canvas and never runs; the help lists bypass', async () => {
  await clearCanvas();
  const id = await addNode(400, 300, 'note', 'core.note');
  await node(page, id).getByTestId('param-text').fill('guidance 4, 25 steps');
  await runAll(page);
  expect(await node(page, id).getByTestId('node-status').count()).toBe(0);
  expect(await node(page, id).getByTestId('param-text').inputValue()).toBe('guidance 4, 25 steps');
  await page.mouse.click(900, 120);
  await page.keyboard.press('?');
  expect(await page.getByTestId('help-panel').textContent()).toContain('Bypass the selected nodes');
  await page.keyboard.press('Escape');
});
