// Files: save and reopen JSON, autosave across a reload, PNG export with the graph and PNG restore, bad files.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { GRAPH_CHUNK_KEYWORD, readPngText } from '../src/image/png.ts';
import { appPerTest, saveGraphFile, edgeCount, node, nodeCount, nodesMeasured, openExample, runAll, shot, waitForEngine } from './support/app.ts';

let page: Page;
appPerTest((app) => { page = app.page; });

async function downloadOf(click: () => Promise<void>): Promise<Buffer> {
  const [dl] = await Promise.all([page.waitForEvent('download'), click()]);
  return readFile((await dl.path())!);
}

const saveJson = async () => (await saveGraphFile(page)).bytes;

async function clearCanvas(): Promise<void> {
  await page.mouse.click(900, 120);
  await page.keyboard.press('Control+a');
  await page.keyboard.press('Delete');
  expect(await nodeCount(page)).toBe(0);
}

/** The conv-net example (4 nodes, 3 wires), its first node's blue set to `blue` when given. */
async function convNet(blue?: string): Promise<void> {
  await openExample(page, 'conv-net');
  if (blue === undefined) return;
  await node(page, 'n1').getByTestId('node-title').click();
  await page.getByTestId('inspector').getByTestId('param-blue').fill(blue);
}

/** Drops a file on the canvas the way a file manager does. */
async function dropFile(name: string, type: string, bytes: Buffer): Promise<void> {
  const data = await page.evaluateHandle(({ name, type, b64 }) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], name, { type }));
    return dt;
  }, { name, type, b64: bytes.toString('base64') });
  await page.getByTestId('canvas').dispatchEvent('drop', { dataTransfer: data });
}

test('save the graph as JSON and open it again, identical', async () => {
  await openExample(page, 'conv-net');
  const saved = await saveJson();
  const doc = JSON.parse(saved.toString());
  expect(doc.format).toBe('latent-loom/graph');
  expect(doc.nodes).toHaveLength(4);
  await clearCanvas();
  await page.getByTestId('open-file-input').setInputFiles({ name: 'graph.json', mimeType: 'application/json', buffer: saved });
  await nodesMeasured(page);
  expect(await nodeCount(page)).toBe(4);
  expect(await edgeCount(page)).toBe(3);
  expect((await saveJson()).equals(saved)).toBe(true);
});

test('Save asks for a name, starting from the open graph\'s; New opens an empty graph, one undo from the last', async () => {
  await openExample(page, 'default');
  await page.getByTestId('save-graph').click();
  expect(await page.getByTestId('save-name').inputValue()).toBe('Text to image');
  await shot(page, 'save-dialog');
  await page.keyboard.press('Escape');
  const saved = await saveGraphFile(page, 'my apple');
  expect(saved.name).toBe('my apple.json');
  expect(JSON.parse(saved.bytes.toString()).nodes.length).toBeGreaterThan(5);
  const before = await nodeCount(page);
  await page.getByTestId('new-graph').click();
  expect(await nodeCount(page)).toBe(0);
  await page.keyboard.press('Control+z');
  await nodesMeasured(page);
  expect(await nodeCount(page)).toBe(before);
});

test('a reload finds the autosaved graph', async () => {
  await convNet('0.7');
  await page.locator('[data-testid=autosave][data-state=saved]').waitFor();
  await page.reload();
  await waitForEngine(page);
  await nodesMeasured(page);
  expect(await nodeCount(page)).toBe(4);
  expect(await node(page, 'n1').getByTestId('param-blue').inputValue()).toBe('0.7');
});

test('an edit made just before a reload survives it (no wait for autosave)', async () => {
  await convNet();
  for (const blue of ['0.35', '0.7']) {
    await node(page, 'n1').getByTestId('node-title').click();
    await page.getByTestId('inspector').getByTestId('param-blue').fill(blue);
    await page.reload();
    await waitForEngine(page);
    await nodesMeasured(page);
    expect(await node(page, 'n1').getByTestId('param-blue').inputValue()).toBe(blue);
  }
});

test('opening an example is one undo step: undo brings back the edited graph, redo opens the example again', async () => {
  await convNet('0.7');
  await openExample(page, 'gradient');
  expect(await nodeCount(page)).toBe(2);
  await page.getByTestId('undo').click();
  await nodesMeasured(page);
  expect(await nodeCount(page)).toBe(4);
  expect(await node(page, 'n1').getByTestId('param-blue').inputValue()).toBe('0.7');
  await page.getByTestId('redo').click();
  await nodesMeasured(page);
  expect(await nodeCount(page)).toBe(2);
  await page.getByTestId('undo').click();
  await nodesMeasured(page);
  expect(await nodeCount(page)).toBe(4);
});

test('export a PNG with the graph inside and drop it back to restore the graph', async () => {
  await convNet('0.7');
  await runAll(page);
  const png = await downloadOf(() => page.getByTestId('gallery-export').first().click());
  const text = readPngText(new Uint8Array(png));
  expect(JSON.parse(text[GRAPH_CHUNK_KEYWORD]).nodes).toHaveLength(4);
  await clearCanvas();
  await dropFile('result.png', 'image/png', png);
  await expect.poll(() => nodeCount(page)).toBe(4); // the drop is read asynchronously
  await nodesMeasured(page);
  // Wires are drawn a frame after the nodes are measured.
  await expect.poll(() => edgeCount(page)).toBe(3);
  expect(await node(page, 'n1').getByTestId('param-blue').inputValue()).toBe('0.7');
  await shot(page, 'restored-from-png');
});

test('a gallery result opens large and reopens the graph that made it', async () => {
  await convNet('0.7');
  await runAll(page);
  await node(page, 'n1').getByTestId('node-title').click();
  await page.getByTestId('inspector').getByTestId('param-blue').fill('0.2');
  await page.getByTestId('gallery-image').first().click();
  await page.getByTestId('gallery-viewer').waitFor();
  await shot(page, 'gallery-viewer');
  await page.getByTestId('viewer-open-graph').click();
  await nodesMeasured(page);
  expect(await node(page, 'n1').getByTestId('param-blue').inputValue()).toBe('0.7');
});

test('a file whose nodes have bad params or unknown types opens anyway: those nodes marked and explained, the rest runs', async () => {
  const bad = {
    format: 'latent-loom/graph', version: 1,
    nodes: [
      { id: 'a', type: 'image.gradient', version: 1, position: { x: 0, y: 0 }, params: { width: 0 } },
      { id: 'b', type: 'no.such.node', version: 1, position: { x: 0, y: 200 }, params: { strength: 3 } },
      { id: 'g', type: 'image.gradient', version: 1, position: { x: 0, y: 400 }, params: { width: 16, height: 16 } },
      { id: 'out', type: 'image.output', version: 1, position: { x: 320, y: 400 }, params: {} },
    ],
    edges: [{ id: 'e1', from: { node: 'g', port: 'image' }, to: { node: 'out', port: 'image' } }],
  };
  await dropFile('bad.json', 'application/json', Buffer.from(JSON.stringify(bad)));
  const problems = page.getByTestId('problem');
  await problems.first().waitFor();
  const nodesNamed = await problems.evaluateAll((els) => els.map((e) => e.getAttribute('data-node')));
  expect(nodesNamed).toEqual(expect.arrayContaining(['a', 'b']));
  expect(await page.getByTestId('problems').textContent()).toContain('at least 1');
  await page.getByTestId('problems-close').click();
  await nodesMeasured(page);
  expect(await nodeCount(page)).toBe(4);
  expect(await node(page, 'a').getByTestId('node-problem').textContent()).toContain('at least 1');
  expect(await node(page, 'b').getByTestId('node-problem').textContent()).toContain('no node type');
  await shot(page, 'problems');
  await runAll(page);
  expect(await node(page, 'out').getByTestId('node-status').getAttribute('data-status')).toBe('done');
  // Fixing the param takes the mark away.
  await node(page, 'a').getByTestId('param-width').fill('32');
  await expect.poll(() => node(page, 'a').getByTestId('node-problem').count()).toBe(0);
});

test('a file that is not a graph is refused with every problem; the open graph is untouched', async () => {
  const before = await nodeCount(page);
  await dropFile('broken.json', 'application/json', Buffer.from('{ "format": "latent-loom/graph", "version": 1, "nodes": [ }'));
  await page.getByTestId('problem').first().waitFor();
  expect(await page.getByTestId('problems').textContent()).toContain('line 1');
  await page.getByTestId('problems-close').click();
  expect(await nodeCount(page)).toBe(before);
});
