// The Models panel: a model from a URL (progress, listed, in the pickers, kept across a reload), from
// picked and dropped files, refusals that name the problem and lose nothing, and a full disk.
import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { fakeOnnx } from '../test/onnxBuilder.ts';
import { appPerTest, nodesMeasured, saveGraphFile, shot, waitForEngine } from './support/app.ts';
import { serveModels, type ModelServer } from './support/modelServer.ts';

const model = (path: string) => readFile(new URL(`../models/test/${path}`, import.meta.url));
let upscaler: Buffer;
let page: Page;
let context: BrowserContext;
let server: ModelServer;

beforeAll(async () => {
  upscaler = await model('tiny-upscaler/model.onnx');
  server = await serveModels({ 'my-x2.onnx': upscaler, 'other-x2.onnx': upscaler });
});
afterAll(async () => { await server?.close(); });
appPerTest((app) => { ({ page, context } = app); });

const panel = (p: Page = page) => p.getByTestId('models-panel');
const row = (id: string, p: Page = page) => panel(p).locator(`[data-testid=model-row][data-model-id="${id}"]`);

async function openPanel(p: Page = page): Promise<void> {
  await p.getByTestId('models-button').click();
  await row('test-tiny-upscaler', p).waitFor();
}

/** Opens a graph of one Load Upscaler node naming `id`, with `models` as its saved models field. */
async function openUpscalerGraph(id: string, models?: object): Promise<void> {
  const doc = {
    format: 'latent-loom/graph', version: 1, edges: [], ...(models ? { models } : {}),
    nodes: [{ id: 'n1', type: 'model.load_upscaler', version: 1, position: { x: 0, y: 0 }, params: { model: id } }],
  };
  await page.getByTestId('open-file-input').setInputFiles({ name: 'g.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
  await nodesMeasured(page);
}

const pickerIds = () => page.locator('[data-id=n1] [data-testid=param-model] option').evaluateAll((os) => os.map((o) => o.textContent ?? ''));

test('a graph whose model is missing says where to get it and how big it is, and downloads it when asked', async () => {
  const url = server.url('other-x2.onnx');
  const sha256 = createHash('sha256').update(upscaler).digest('hex');
  await openUpscalerGraph('other-x2', { 'other-x2': { id: 'other-x2', sha256, bytes: upscaler.length, url } });
  const dialog = page.getByTestId('missing-models');
  await dialog.waitFor();
  const item = dialog.locator('[data-testid=missing-model][data-model-id="other-x2"]');
  expect(await item.getByTestId('missing-url').textContent()).toBe(url);
  expect(await item.getByTestId('missing-size').textContent()).toContain('5.30 KB');
  await shot(page, 'missing-models');
  await item.getByTestId('missing-download').click();
  // The first model a worker opens waits for onnxruntime's WASM to compile (seconds on a small machine).
  await dialog.waitFor({ state: 'detached', timeout: 30_000 });
  expect(await pickerIds()).toContain('other-x2 (other-x2)');
  // Saving now records the model: id, hash, size and where it came from.
  const saved = JSON.parse((await saveGraphFile(page)).bytes.toString());
  expect(saved.models['other-x2']).toEqual({ id: 'other-x2', sha256, bytes: upscaler.length, url });
});

test('models from picked and dropped files; refusals name the problem and lose nothing', async () => {
  await openPanel();
  const files = panel().getByTestId('model-files-input');
  await files.setInputFiles({ name: 'tiny-gan.onnx', mimeType: 'application/octet-stream', buffer: await model('tiny-gan/model.onnx') });
  await row('tiny-gan').waitFor();
  expect(await row('tiny-gan').textContent()).toContain('gan');
  // A generator that takes truncation psi as a second input is a GAN too.
  await files.setInputFiles({ name: 'style-gan.onnx', mimeType: 'application/octet-stream', buffer: await model('tiny-gan-psi/model.onnx') });
  await row('style-gan').waitFor();
  expect(await row('style-gan').textContent()).toContain('gan');

  const conv = await model('conv-net/model.onnx');
  const data = await page.evaluateHandle((b64) => {
    const dt = new DataTransfer();
    dt.items.add(new File([Uint8Array.from(atob(b64), (c) => c.charCodeAt(0))], 'my-filter.onnx'));
    return dt;
  }, conv.toString('base64'));
  await panel().getByTestId('model-manager').dispatchEvent('drop', { dataTransfer: data });
  await row('my-filter').waitFor();
  // A whole Stable Diffusion folder, as the folder picker gives it (paths inside the folder kept).
  await panel().getByTestId('model-folder-input').setInputFiles(fileURLToPath(new URL('../models/test/tiny-sd', import.meta.url)));
  await row('tiny-sd').waitFor();
  expect(await row('tiny-sd').textContent()).toContain('stable-diffusion');

  const count = await panel().getByTestId('model-row').count();
  const message = panel().locator('[data-testid=model-message][data-kind=error]');
  await files.setInputFiles({ name: 'broken.onnx', mimeType: 'application/octet-stream', buffer: conv.subarray(0, conv.length >> 1) });
  await message.waitFor();
  expect(await message.textContent()).toContain('not a loadable ONNX model (truncated, corrupt');
  await files.setInputFiles({ name: 'encoder.onnx', mimeType: 'application/octet-stream', buffer: await model('tiny-sd/text_encoder/model.onnx') });
  await expect.poll(() => message.textContent()).toContain('add the whole folder');
  const ints = { name: 'input', dtype: 'int64', shape: [1, 3, 'h', 'w'] };
  const odd = fakeOnnx([ints], [{ ...ints, name: 'output' }]);
  await files.setInputFiles({ name: 'odd.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(odd) });
  await expect.poll(() => message.textContent()).toContain('input "input" is int64; expected float32');
  const conditional = fakeOnnx([{ name: 'z', dtype: 'float32', shape: ['batch', 64] }, { name: 'class_label', dtype: 'int64', shape: ['batch'] }],
    [{ name: 'image', dtype: 'float32', shape: ['batch', 64] }]);
  await files.setInputFiles({ name: 'conditional.onnx', mimeType: 'application/octet-stream', buffer: Buffer.from(conditional) });
  await expect.poll(() => message.textContent()).toContain('has an extra input "class_label" int64 [batch] that no node feeds');
  await shot(page, 'model-refused');
  expect(await panel().getByTestId('model-row').count()).toBe(count);
  await panel().getByTestId('models-close').click();
});

test('a model from a URL: progress, listed with its source, in the Load Upscaler picker, still there after a reload', async () => {
  await openUpscalerGraph('');
  await openPanel();
  const url = server.url('my-x2.onnx');
  await panel().getByTestId('model-url').fill(url);
  await panel().getByTestId('model-url-download').click();
  await panel().getByTestId('download-progress').waitFor();
  await shot(page, 'model-downloading');
  await row('my-x2').waitFor();
  expect(await row('my-x2').textContent()).toContain(url);
  expect(await panel().getByTestId('model-message').textContent()).toContain('added "my-x2" (upscaler');
  await panel().getByTestId('models-close').click();
  expect(await pickerIds()).toContain('my-x2 (my-x2)');

  await page.reload();
  await waitForEngine(page);
  await nodesMeasured(page);
  await expect.poll(pickerIds).toContain('my-x2 (my-x2)');
  await openPanel();
  await row('my-x2').waitFor();
  await row('my-x2').getByTestId('model-delete').click();
  await expect.poll(() => row('my-x2').count()).toBe(0);
  await panel().getByTestId('models-close').click();
  await expect.poll(pickerIds).not.toContain('my-x2 (my-x2)');
});

test('a full disk is reported with what is in use, and nothing is half-stored', async () => {
  // Storage writes in the engine's worker fail as they do when the quota is spent.
  const worker = '**/assets/worker.browser-*.js';
  await context.route(worker, async (route) => {
    const response = await route.fetch();
    const patch = "FileSystemWritableFileStream.prototype.write = function () { return Promise.reject(new DOMException('quota', 'QuotaExceededError')); };\n";
    await route.fulfill({ response, body: patch + (await response.text()) });
  });
  await page.reload();
  await waitForEngine(page);
  await openPanel();
  await panel().getByTestId('model-files-input').setInputFiles({ name: 'big.onnx', mimeType: 'application/octet-stream', buffer: upscaler });
  const message = panel().locator('[data-testid=model-message][data-kind=error]');
  await message.waitFor({ timeout: 30_000 });
  expect(await message.textContent()).toMatch(/not enough browser storage for model "big".* MB in use/);
  expect(await row('big').count()).toBe(0);
  await context.unroute(worker);
});
