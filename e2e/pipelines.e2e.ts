// Pipelines beyond text to image, in the browser (onnxruntime-web, WASM): the inpainting and hires-fix
// examples open, run and show their images.
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { appPerTest, node, openExample, runAll, shot, status } from './support/app.ts';

let page: Page;
appPerTest((app) => { page = app.page; });

test('inpainting: the example runs, the mask nodes and the repainted image show', async () => {
  await openExample(page, 'inpaint');
  await runAll(page, 120_000);
  for (const id of ['render', 'hard_mask', 'inpaint', 'overlay', 'output']) expect(await status(page, id)).toBe('done');
  const img = node(page, 'output').getByTestId('node-image');
  expect(await img.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([64, 64]);
  await shot(page, 'inpaint');
});

test('hires fix: a 64 px render upscaled in latent space and denoised at strength 0.5 gives 128 px', async () => {
  await openExample(page, 'hires-fix');
  await runAll(page, 120_000);
  // The 64 px render is the inpainting example's first image, node for node: cached only where that example ran first.
  expect(['done', 'cached']).toContain(await status(page, 'denoise'));
  for (const id of ['upscale_latent', 'denoise_hires', 'output']) expect(await status(page, id)).toBe('done');
  const img = node(page, 'output').getByTestId('node-image');
  expect(await img.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([128, 128]);
  await shot(page, 'hires-fix');
});
