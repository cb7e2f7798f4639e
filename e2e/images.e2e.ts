// Images in and out of the app: Load Image through its file picker and by dropping an image on the canvas;
// Save Image as a download named by its file name param, with the graph inside.
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { expect, test } from 'vitest';
import { GRAPH_CHUNK_KEYWORD, readPngText } from '../src/image/png.ts';
import { appPerTest, node, nodeCount, nodesMeasured, pixels, runAll, runAndWait, shot, status } from './support/app.ts';

let page: Page;
appPerTest((app) => { page = app.page; });

const solid = (format: 'png' | 'jpeg') =>
  sharp({ create: { width: 8, height: 6, channels: 3, background: { r: 255, g: 0, b: 0 } } })[format]().toBuffer();

async function downloadOf(click: () => Promise<void>): Promise<{ name: string; bytes: Buffer }> {
  // The PNG is made in the page after the click (the graph asks the engine for its models): a busy machine takes a while.
  const [dl] = await Promise.all([page.waitForEvent('download', { timeout: 30_000 }), click()]);
  return { name: dl.suggestedFilename(), bytes: await readFile((await dl.path())!) };
}

/** A Load Image (n1) feeding an Image Output (n2) and a Save Image (n3) named "my-picture". */
async function openLoadGraph(): Promise<void> {
  const doc = {
    format: 'latent-loom/graph', version: 1,
    nodes: [
      { id: 'n1', type: 'image.load', version: 1, position: { x: 0, y: 0 }, params: {} },
      { id: 'n2', type: 'image.output', version: 1, position: { x: 320, y: -80 }, params: {} },
      { id: 'n3', type: 'image.save', version: 1, position: { x: 320, y: 160 }, params: { filename: 'my-picture' } },
    ],
    edges: [
      { id: 'e1', from: { node: 'n1', port: 'image' }, to: { node: 'n2', port: 'image' } },
      { id: 'e2', from: { node: 'n1', port: 'image' }, to: { node: 'n3', port: 'image' } },
    ],
  };
  await page.getByTestId('open-file-input').setInputFiles({ name: 'load.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
  await nodesMeasured(page);
}

test('a picked image runs into an Image Output; Save Image downloads it by its file name, graph inside', async () => {
  await openLoadGraph();
  await node(page, 'n1').getByTestId('node-title').click();
  const inspector = page.getByTestId('inspector');
  await inspector.getByTestId('file-input-image').setInputFiles({ name: 'red.png', mimeType: 'image/png', buffer: await solid('png') });
  await expect.poll(() => node(page, 'n1').getByTestId('file-name-image').textContent()).toBe('red.png');
  await runAll(page);
  expect(await status(page, 'n2')).toBe('done');
  const shown = node(page, 'n2').getByTestId('node-image');
  expect(await shown.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([8, 6]);
  expect((await pixels(shown)).slice(0, 4)).toEqual([255, 0, 0, 255]);
  await shot(page, 'load-and-save-image');

  const saved = await downloadOf(() => node(page, 'n3').getByTestId('save-image-download').click());
  expect(saved.name).toBe('my-picture.png');
  const graph = JSON.parse(readPngText(new Uint8Array(saved.bytes))[GRAPH_CHUNK_KEYWORD]);
  expect(graph.nodes.map((n: { id: string }) => n.id)).toEqual(['n1', 'n2', 'n3']);
  expect(graph.nodes[0].params.image).toMatch(/^upload:[0-9a-f]{64}\/red\.png$/);
  const fromGallery = await downloadOf(() => page.locator('[data-testid=gallery-item][data-node-id=n3] [data-testid=gallery-save]').click());
  expect(fromGallery.name).toBe('my-picture.png');
});

test('an image over the browser\'s pixel limit is refused from its header, saying the limit', async () => {
  // 8192x8192: under 1 MB of PNG, 64 megapixels; decoding it took the tab to 7.8 GB.
  await openLoadGraph();
  const huge = await sharp({ create: { width: 8192, height: 8192, channels: 3, background: { r: 0, g: 0, b: 255 } } }).png().toBuffer();
  await node(page, 'n1').getByTestId('node-title').click();
  await page.getByTestId('inspector').getByTestId('file-input-image').setInputFiles({ name: 'huge.png', mimeType: 'image/png', buffer: huge });
  await expect.poll(() => node(page, 'n1').getByTestId('file-name-image').textContent()).toBe('huge.png');
  await runAll(page);
  expect(await status(page, 'n1')).toBe('failed');
  expect(await node(page, 'n1').getByTestId('node-message').textContent()).toContain(
    'uploaded file "huge.png": PNG image 8192x8192 (67.1 megapixels) is over the budget of 16.8 megapixels in the browser (the CLI loads larger ones); resize it first');
});

test('a JPEG dropped on the canvas becomes a Load Image node there, and it loads', async () => {
  const before = await nodeCount(page);
  const data = await page.evaluateHandle((b64) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'photo.jpg', { type: 'image/jpeg' }));
    return dt;
  }, (await solid('jpeg')).toString('base64'));
  await page.getByTestId('canvas').dispatchEvent('drop', { dataTransfer: data, clientX: 500, clientY: 600 });
  await expect.poll(() => nodeCount(page)).toBe(before + 1);
  const dropped = page.locator('[data-testid=node][data-type="image.load"]').last();
  expect(await dropped.getByTestId('file-name-image').textContent()).toBe('photo.jpg');
  // The new node is selected: run to it, and it decodes the upload in the engine.
  await runAndWait(page, 'run-selected');
  expect(await dropped.getByTestId('node-status').getAttribute('data-status')).toBe('done');
});
