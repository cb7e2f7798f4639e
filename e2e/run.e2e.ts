// Running graphs: images on output nodes, cached vs re-run after a param change, run to a node, backends.
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { appPerTest, node, openExample, pixels, runAll, runAndWait, shot, status, waitForEngine } from './support/app.ts';

let page: Page;
appPerTest((app) => { page = app.page; });

/** The two-outputs example (n1 -> n2, n3 -> n4), run `times` times. */
async function twoOutputsRun(times: number): Promise<void> {
  await openExample(page, 'two-outputs');
  for (let i = 0; i < times; i++) await runAll(page);
}

test('run a graph and see its images on the output nodes and in the gallery', async () => {
  await twoOutputsRun(1);
  for (const id of ['n1', 'n2', 'n3', 'n4']) expect(await status(page, id)).toBe('done');
  const img = node(page, 'n2').getByTestId('node-image');
  expect(await img.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([48, 48]);
  const px = await pixels(img);
  expect(px[2]).toBe(Math.round(0.1 * 255)); // blue of the first pixel
  expect(await page.getByTestId('gallery-item').count()).toBe(2);
  expect(await page.getByTestId('run-progress').evaluate((p: HTMLProgressElement) => p.value)).toBe(1);
  await shot(page, 'ran-two-outputs');
});

test('changing one param re-runs only the nodes that depend on it', async () => {
  await twoOutputsRun(1);
  await node(page, 'n1').getByTestId('node-title').click();
  await page.getByTestId('inspector').getByTestId('param-blue').fill('0.6');
  await runAll(page);
  expect(await status(page, 'n1')).toBe('done');
  expect(await status(page, 'n2')).toBe('done');
  expect(await status(page, 'n3')).toBe('cached');
  expect(await status(page, 'n4')).toBe('cached');
  expect((await pixels(node(page, 'n2').getByTestId('node-image')))[2]).toBe(Math.round(0.6 * 255));
  await shot(page, 'cached-vs-done');
  // Undo changes the document only: the images and statuses of the run stay.
  await page.mouse.click(900, 120);
  await page.keyboard.press('Control+z');
  expect(await node(page, 'n1').getByTestId('param-blue').inputValue()).toBe('0.1');
  expect((await pixels(node(page, 'n2').getByTestId('node-image')))[2]).toBe(Math.round(0.6 * 255));
  expect(await status(page, 'n2')).toBe('done');
});

test('run to the selected node runs only what it needs', async () => {
  await twoOutputsRun(2); // the second run finds everything cached
  expect(await status(page, 'n4')).toBe('cached');
  await node(page, 'n3').getByTestId('node-title').click();
  await page.getByTestId('inspector').getByTestId('param-blue').fill('0.3');
  await runAndWait(page, 'run-selected');
  expect(await status(page, 'n3')).toBe('done');
  expect(await status(page, 'n4')).toBe('cached'); // from the run before: not part of this plan
  expect(await page.getByTestId('inspector').getByTestId('inspector-image').count()).toBe(1);
});

test('a failing node shows its message; the rest still finishes', async () => {
  await openExample(page, 'conv-net');
  await node(page, 'n2').getByTestId('node-title').click();
  await page.getByTestId('inspector').getByTestId('param-model').selectOption('');
  await runAll(page);
  expect(await status(page, 'n2')).toBe('failed');
  expect(await node(page, 'n2').getByTestId('node-message').textContent()).toMatch(/model/);
  expect(await status(page, 'n3')).toBe('skipped');
  expect(await status(page, 'n1')).toBe('done');
  await page.keyboard.press('Control+z');
});

test('a graph that cannot run marks the nodes its problems name', async () => {
  await openExample(page, 'gradient');
  // A straight wire has a flat bounding box: click its middle by coordinates.
  const mid = await page.locator('.react-flow__edge-interaction').first().evaluate((p) => {
    const r = p.getBoundingClientRect();
    return { x: r.left + r.width / 2, y: r.top + r.height / 2 };
  });
  await page.mouse.click(mid.x, mid.y);
  await page.keyboard.press('Delete');
  await expect.poll(() => page.locator('.react-flow__edge').count()).toBe(0);
  await runAll(page);
  expect(await status(page, 'n2')).toBe('invalid');
  expect(await node(page, 'n2').getByTestId('node-message').textContent()).toContain('not connected');
  await page.keyboard.press('Control+z');
  await runAll(page);
  expect(await status(page, 'n2')).toBe('done');
});

test('Ctrl+B bypasses a node: the graph runs around it, and turning bypass off finds its result cached', async () => {
  await openExample(page, 'tiny-upscaler'); // 24x24 gradient -> 2x upscaler -> output
  const size = () => node(page, 'n4').getByTestId('node-image').evaluate((c: HTMLCanvasElement) => [c.width, c.height]);
  await runAll(page);
  expect(await size()).toEqual([48, 48]);
  await node(page, 'n3').getByTestId('node-title').click();
  await page.keyboard.press('Control+b');
  expect(await status(page, 'n3')).toBe('bypassed');
  expect(await page.getByTestId('inspector').getByTestId('bypass').isChecked()).toBe(true);
  await runAll(page);
  expect(await size()).toEqual([24, 24]);
  await shot(page, 'bypassed-upscaler');
  await page.getByTestId('inspector').getByTestId('bypass').click();
  await runAll(page);
  expect(await status(page, 'n3')).toBe('cached');
  expect(await size()).toEqual([48, 48]);
  await page.keyboard.press('Control+z'); // bypass is an edit like any other
  expect(await status(page, 'n3')).toBe('bypassed');
});

// The WebGPU build's WASM is compiled for suspending and runs models slower (`npm run bench -- wasm-builds`).
test("the WASM backend loads onnxruntime-web's WASM-only build, WebGPU its WebGPU build", async () => {
  const fetched: string[] = [];
  page.on('request', (r) => { if (r.url().split('?')[0].endsWith('.wasm')) fetched.push(r.url().split('/').pop()!.split('?')[0]); });
  await page.reload();
  await waitForEngine(page);
  await openExample(page, 'conv-net');
  await runAll(page);
  expect(fetched.length).toBeGreaterThan(0);
  expect(fetched.every((f) => /^ort-wasm-simd-threaded-[\w-]+\.wasm$/.test(f)), fetched.join(', ')).toBe(true);
  fetched.length = 0;
  await page.getByTestId('backend-select').selectOption('webgpu');
  await waitForEngine(page);
  await runAll(page, 90_000);
  expect(fetched.some((f) => /^ort-wasm-simd-threaded\.(asyncify|jsep)-[\w-]+\.wasm$/.test(f)), fetched.join(', ')).toBe(true);
}, 120_000);

/** Runs an example (n1 -> n3 model -> n4 output) on the given backend and returns the output image's pixels. */
async function modelPixels(backend: 'wasm' | 'webgpu', example = 'conv-net'): Promise<number[]> {
  await page.getByTestId('backend-select').selectOption(backend);
  await waitForEngine(page);
  expect(await page.getByTestId('backend-name').textContent()).toBe(backend);
  await openExample(page, example);
  await runAll(page, 90_000); // WebGPU under SwiftShader is slow; never timed
  await shot(page, `${example}-${backend}`);
  expect(await status(page, 'n3'), await page.getByTestId('node-message').allTextContents().then((t) => t.join('; '))).toBe('done');
  return pixels(node(page, 'n4').getByTestId('node-image'));
}

// The upscaler's output is larger than its input: WebGPU once refused it when an export gave both the same axis names.
test.each(['conv-net', 'tiny-upscaler'])('the same graph (%s) on WebGPU and on WASM gives the same image', async (example) => {
  const wasm = await modelPixels('wasm', example);
  const gpu = await modelPixels('webgpu', example);
  expect(gpu.length).toBe(wasm.length);
  expect(new Set(wasm).size).toBeGreaterThan(5); // not a blank image
  const worst = gpu.reduce((m, v, i) => Math.max(m, Math.abs(v - wasm[i])), 0);
  expect(worst).toBeLessThanOrEqual(2);
}, 120_000);
