// The default graph: opened on first start; pointed at the tiny test models it runs, and its Denoise steps scrub.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Page } from 'playwright-core';
import { expect, test } from 'vitest';
import { readPngText } from '../src/image/png.ts';
import { appPerTest, node, nodesMeasured, reveal, runAll, shot, status } from './support/app.ts';

const DEFAULT = resolve(import.meta.dirname, '../graphs/default.json');

let page: Page;
let doc: { nodes: { id: string; type: string; params: Record<string, unknown> }[] };
appPerTest(async (app) => {
  page = app.page;
  doc = JSON.parse(await readFile(DEFAULT, 'utf8'));
});

/** The default graph pointed at the tiny test models, with 4 steps. */
async function openTinyDefault(): Promise<void> {
  const tiny: Record<string, string> = { 'diffusion.load_checkpoint': 'test-tiny-sd', 'model.load_upscaler': 'test-tiny-upscaler' };
  for (const n of doc.nodes) {
    if (tiny[n.type]) n.params.model = tiny[n.type];
    if (n.type === 'diffusion.scheduler') n.params.steps = 4;
  }
  await page.getByTestId('open-file-input').setInputFiles({ name: 'tiny.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(doc)) });
  await nodesMeasured(page);
}

test('a first start opens graphs/default.json', async () => {
  await nodesMeasured(page);
  const ids = await page.locator('.react-flow__node').evaluateAll((els) => els.map((e) => e.getAttribute('data-id')));
  expect(ids.sort()).toEqual(doc.nodes.map((n) => n.id).sort());
});

test('the inspector: a model picker filtered by kind, a seed with a randomize button', async () => {
  const loader = doc.nodes.find((n) => n.type === 'diffusion.load_checkpoint');
  const noise = doc.nodes.find((n) => n.type === 'diffusion.noise');
  if (!loader || !noise) return;
  await reveal(page, loader.id);
  await node(page, loader.id).getByTestId('node-title').click();
  const options = await page.getByTestId('inspector').getByTestId('param-model').locator('option').evaluateAll((els) => els.map((e) => (e as HTMLOptionElement).value));
  expect(options).toContain('test-tiny-sd');
  expect(options).not.toContain('test-conv-net');
  await reveal(page, noise.id);
  await node(page, noise.id).getByTestId('node-title').click();
  const seed = page.getByTestId('inspector').getByTestId('param-seed');
  const before = await seed.inputValue();
  await page.getByTestId('inspector').getByTestId('randomize-seed').click();
  await expect.poll(() => seed.inputValue()).not.toBe(before);
  await page.keyboard.press('Control+z');
  await expect.poll(() => seed.inputValue()).toBe(before);
});

test('the default graph: Denoise shows its predicted final image decoded while it runs and after; the filmstrip follows the chosen step', async () => {
  const denoise = doc.nodes.find((n) => n.type === 'diffusion.denoise');
  const scheduler = doc.nodes.find((n) => n.type === 'diffusion.scheduler');
  const noise = doc.nodes.find((n) => n.type === 'diffusion.noise');
  if (!denoise || !scheduler || !noise) return;
  const steps = 40;
  await reveal(page, scheduler.id);
  await node(page, scheduler.id).getByTestId('node-title').click();
  await page.getByTestId('inspector').getByTestId('param-steps').fill(String(steps));
  await reveal(page, denoise.id);
  const before = Number(await page.getByTestId('run-summary').getAttribute('data-runs'));
  await page.getByTestId('run-all').click();
  // While it runs: a decoded picture (every 10th step), at the image's size, not the latent's.
  const caption = node(page, denoise.id).getByTestId('node-image-caption');
  await expect.poll(async () => (await status(page, denoise.id)) === 'running' && (await caption.getAttribute('data-shows').catch(() => null)) === 'decoded', { timeout: 60_000, interval: 50 }).toBe(true);
  expect(await node(page, denoise.id).getByTestId('node-image').getAttribute('width')).toBe(String(noise.params.width));
  await shot(page, 'denoise-decoded-preview-running');
  await page.locator(`[data-testid=run-summary][data-runs="${before + 1}"]`).waitFor({ timeout: 120_000 });
  expect(await status(page, denoise.id)).toBe('done');
  // After it: the last step, decoded, says so.
  expect(await caption.getAttribute('data-shows')).toBe('decoded');
  expect(await caption.textContent()).toBe(`step ${steps} predicted final image, decoded by Loom Emoji SD (tiny)'s VAE`);
  expect(await node(page, denoise.id).getByTestId('node-image').getAttribute('width')).toBe(String(noise.params.width));
  // The filmstrip: the decoded steps (10, 20, 30, 40) as pictures, the rest as colours.
  await node(page, denoise.id).getByTestId('node-title').click();
  const scrubber = page.getByTestId('inspector').getByTestId('step-scrubber');
  await scrubber.waitFor();
  const shows = await scrubber.getByTestId('filmstrip').locator(':scope > span').evaluateAll((els) => els.map((e) => e.getAttribute('data-shows')));
  expect(shows.flatMap((s, i) => (s === 'decoded' ? [i + 1] : []))).toEqual([10, 20, 30, 40]);
  expect(await scrubber.getByTestId('filmstrip-legend').textContent()).toMatch(/decoded it \(Loom Emoji SD \(tiny\)'s VAE\)/);
  // The chosen frame is scrolled into the strip's view, at either end.
  const inView = () => scrubber.getByTestId('filmstrip').evaluate((strip) => {
    const active = strip.querySelector('.active')!.getBoundingClientRect();
    const box = strip.getBoundingClientRect();
    return { inside: active.left >= box.left - 1 && active.right <= box.right + 1, scrollLeft: strip.scrollLeft, overflows: strip.scrollWidth > strip.clientWidth };
  });
  const atEnd = await inView();
  expect(atEnd).toMatchObject({ inside: true, overflows: true });
  expect(atEnd.scrollLeft).toBeGreaterThan(0);
  await scrubber.getByTestId('scrubber-slider').fill('0');
  await expect.poll(inView).toMatchObject({ inside: true, scrollLeft: 0 });
  await scrubber.getByTestId('scrubber-slider').fill('19');
  expect(await scrubber.getByTestId('scrubber-image-label').textContent()).toBe('step 20 latent, as colours (a quick guess at the final image)');
  await expect.poll(inView).toMatchObject({ inside: true });
  await expect.poll(() => scrubber.getByTestId('scrubber-decoded-label').textContent(), { timeout: 30_000 }).toBe('step 20 predicted final image, decoded by the VAE');
  await shot(page, 'denoise-decoded-preview-filmstrip');
}, 180_000);

test('text to image on the tiny models: the Denoise steps can be scrubbed', async () => {
  const denoise = doc.nodes.find((n) => n.type === 'diffusion.denoise');
  const noise = doc.nodes.find((n) => n.type === 'diffusion.noise');
  if (!denoise || !noise) return; // the default graph has no Denoise node
  const size = `${noise.params.width}`;
  await openTinyDefault();
  await runAll(page, 60_000);
  expect(await status(page, denoise.id)).toBe('done');
  await reveal(page, denoise.id);
  await node(page, denoise.id).getByTestId('node-title').click();
  const scrubber = page.getByTestId('inspector').getByTestId('step-scrubber');
  await scrubber.waitFor();
  expect(await scrubber.getByTestId('scrubber-frame').count()).toBe(4);
  expect(await scrubber.getByTestId('scrubber-step').textContent()).toBe('4');
  await scrubber.getByTestId('scrubber-slider').fill('1');
  expect(await scrubber.getByTestId('scrubber-step').textContent()).toBe('2');
  // The chosen step's predicted clean image, decoded through the graph's VAE, at the Noise node's size.
  await expect.poll(() => scrubber.getByTestId('scrubber-decode-state').textContent(), { timeout: 30_000 }).toBe('step 2: predicted clean image');
  expect(await scrubber.getByTestId('scrubber-decoded').getAttribute('width')).toBe(size);
  // Each picture says what it is: the step's latent (as colours) and its predicted final image.
  expect(await scrubber.getByTestId('scrubber-image-label').textContent()).toMatch(/^step 2 latent, as colours/);
  expect(await scrubber.getByTestId('scrubber-decoded-label').textContent()).toBe('step 2 predicted final image, decoded by the VAE');
  const download = page.waitForEvent('download');
  await scrubber.getByTestId('scrubber-save').click();
  expect((await download).suggestedFilename()).toBe(`${denoise.id}-step-2.png`);
  // The PNG carries the prompt and settings the way AUTOMATIC1111 writes them, for other tools.
  const text = readPngText(new Uint8Array(await readFile((await (await download).path())!)));
  expect(text.parameters.split('\n')[0]).toBe('a cat');
  expect(text.parameters).toMatch(new RegExp(`^Steps: 4, Sampler: .+, CFG scale: .+, Seed: \\d+, Size: ${size}x${size}, Model: test-tiny-sd$`, 'm'));
  await shot(page, 'step-scrubber');
}, 90_000);

test('a run over the memory budget is refused naming what to lower; lowering it runs fine on the same engine', async () => {
  const denoise = doc.nodes.find((n) => n.type === 'diffusion.denoise');
  const noise = doc.nodes.find((n) => n.type === 'diffusion.noise');
  if (!denoise || !noise) return;
  await openTinyDefault();
  const size = async (px: string) => {
    await reveal(page, noise.id);
    await node(page, noise.id).getByTestId('node-title').click();
    await page.getByTestId('inspector').getByTestId('param-width').fill(px);
    await page.getByTestId('inspector').getByTestId('param-height').fill(px);
  };
  await size('2048');
  await runAll(page, 60_000);
  expect(await status(page, denoise.id)).toBe('failed');
  expect(await node(page, denoise.id).getByTestId('node-message').textContent()).toMatch(
    /^Denoise \(denoise\): needs about [\d.]+ GB of memory at once, over the 3\.2 GB this engine allows \(wasm\); lower the latent size \(Noise width and height\)/);
  await size('64');
  await page.getByTestId('inspector').getByTestId('param-seed').fill('7'); // a latent not cached yet
  await runAll(page, 60_000);
  expect(await status(page, denoise.id)).toBe('done');
}, 120_000);

test('cancel ends a long run between steps; the running node shows its live preview', async () => {
  const denoise = doc.nodes.find((n) => n.type === 'diffusion.denoise');
  const scheduler = doc.nodes.find((n) => n.type === 'diffusion.scheduler');
  if (!denoise || !scheduler) return;
  await openTinyDefault();
  await reveal(page, scheduler.id);
  await node(page, scheduler.id).getByTestId('node-title').click();
  await page.getByTestId('inspector').getByTestId('param-steps').fill('200');
  const before = Number(await page.getByTestId('run-summary').getAttribute('data-runs'));
  await page.getByTestId('run-all').click();
  const badge = node(page, denoise.id).getByTestId('node-status');
  await expect.poll(async () => /running [1-9]/.test((await badge.textContent()) ?? ''), { timeout: 30_000 }).toBe(true);
  expect(await node(page, denoise.id).getByTestId('node-image').count()).toBeGreaterThan(0);
  await shot(page, 'running-preview');
  await page.getByTestId('cancel-run').click();
  // The worker yields to its message queue before every model run, so the cancel is heard between steps.
  const stopped = page.locator(`[data-testid=run-summary][data-runs="${before + 1}"]`);
  await stopped.waitFor({ timeout: 15_000 });
  expect(await page.getByTestId('run-summary').textContent()).toMatch(/cancelled/);
  expect(await page.getByTestId('run-summary').getAttribute('data-running')).toBe('false');
  expect(await status(page, denoise.id)).not.toBe('done');
  await page.locator('[data-testid=backend-name][data-ready=true]').waitFor();
}, 90_000);
