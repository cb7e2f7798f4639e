// Pipelines beyond text to image, in the browser (onnxruntime-web, WASM): the inpainting and hires-fix
// examples open, run and show their images; the inpainting mask's painter runs to the picture it paints over.
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { appPerTest, node, openExample, reveal, runAll, shot, status } from './support/app.ts';
import { exampleParam } from './support/graphs.ts';

let page: Page;
appPerTest((app) => { page = app.page; });

/** The width of an example's Noise node: the size it renders at. */
const noiseWidth = (example: string) => exampleParam(example, 'noise', 'width');

test('inpainting: the example runs, the mask nodes and the repainted image show', async () => {
  const size = noiseWidth('inpaint');
  await openExample(page, 'inpaint');
  // The mask is painted over the render, which no run has made yet: the painter offers to run to it.
  await reveal(page, 'hard_mask');
  await node(page, 'hard_mask').getByTestId('node-title').click();
  await page.getByTestId('inspector').getByTestId('paint-strokes').click();
  const painter = page.getByTestId('painter');
  await painter.getByTestId('painter-run-source').click();
  await painter.getByTestId('painter-picture').waitFor({ timeout: 120_000 });
  expect(await painter.getByTestId('painter-stage').getAttribute('data-width')).toBe(String(size));
  expect(await painter.getByTestId('painter-strokes').getAttribute('data-count')).toBe('1');
  await shot(page, 'inpaint-painter');
  await page.keyboard.press('Escape');
  await expect.poll(() => page.getByTestId('painter').count()).toBe(0);
  await runAll(page, 120_000);
  expect(['done', 'cached']).toContain(await status(page, 'render'));
  for (const id of ['hard_mask', 'inpaint', 'overlay', 'output']) expect(await status(page, id)).toBe('done');
  const img = node(page, 'output').getByTestId('node-image');
  expect(await img.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([size, size]);
  await shot(page, 'inpaint');
}, 240_000);

test('hires fix: a render upscaled in latent space and denoised at strength 0.5 gives twice its size', async () => {
  const size = noiseWidth('hires-fix');
  await openExample(page, 'hires-fix');
  await runAll(page, 180_000);
  // The first render is the inpainting example's first image, node for node: cached only where that example ran first.
  expect(['done', 'cached']).toContain(await status(page, 'denoise'));
  for (const id of ['upscale_latent', 'denoise_hires', 'output']) expect(await status(page, id)).toBe('done');
  const img = node(page, 'output').getByTestId('node-image');
  expect(await img.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([2 * size, 2 * size]);
  await shot(page, 'hires-fix');
}, 240_000);
