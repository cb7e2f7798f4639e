// The mask painter in Chromium at 1280x720, driven with the mouse and the keyboard: paint on a loaded
// photo, inpaint (the tiny test model, `?fixtures=1`), undo a stroke, save and reopen; and the hires-fix
// example's step scrubber on its second Denoise.
import type { Browser, Locator, Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, afterEach, beforeAll, beforeEach, expect, test } from 'vitest';
import { type App, launch, node, nodesMeasured, openApp, openExample, pixels, reveal, runAll, runAndWait, saveGraphFile, shot, status, TEST_QUERY } from './support/app.ts';
import { exampleParam } from './support/graphs.ts';

let browser: Browser;
let app: App | undefined;
let page: Page;
beforeAll(async () => { browser = await launch(); });
beforeEach(async () => { app = await openApp(browser, TEST_QUERY, { width: 1280, height: 720 }); page = app.page; });
afterEach(async () => { await app?.context.close(); app = undefined; });
afterAll(async () => { await browser?.close(); });

/** The size the inpaint-photo example's Noise makes, which the loaded picture must match. */
const W = exampleParam('inpaint-photo', 'noise', 'width');
const H = W;
/** A picture with a different colour at every pixel, so any change shows. */
const photoRgb = Buffer.alloc(W * H * 3);
for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) photoRgb.set([Math.floor(x * 256 / W), Math.floor(y * 256 / H), ((x * 7 + y * 13) % 64) * 4], (y * W + x) * 3);

/** Drags across the painter's canvas, between points given as fractions of the picture. */
async function paint(canvas: Locator, path: [number, number][]): Promise<void> {
  const box = (await canvas.boundingBox())!;
  const at = ([fx, fy]: [number, number]) => [box.x + fx * box.width, box.y + fy * box.height] as const;
  await page.mouse.move(...at(path[0]));
  await page.mouse.down();
  for (const p of path.slice(1)) await page.mouse.move(...at(p), { steps: 8 });
  await page.mouse.up();
}

/** The Paint Mask node's output mask, run to and read off the inspector (0 or 255 per pixel). */
async function maskPixels(): Promise<number[]> {
  await reveal(page, 'mask');
  await node(page, 'mask').getByTestId('node-title').click();
  await runAndWait(page, 'inspector-run-to', 60_000);
  const canvas = page.getByTestId('inspector').getByTestId('inspector-mask');
  await canvas.waitFor();
  return (await pixels(canvas)).filter((_, i) => i % 4 === 0);
}

const px = (list: number[], fx: number, fy: number) => list[Math.floor(fy * H) * W + Math.floor(fx * W)];
const strokeA: [number, number][] = [[0.55, 0.2], [0.7, 0.3], [0.85, 0.25]];
const strokeB: [number, number][] = [[0.15, 0.7], [0.35, 0.85]];

test('paint a mask on a loaded photo, inpaint it, undo a stroke, save the graph and reopen it', { timeout: 240_000 }, async () => {
  await openExample(page, 'inpaint-photo');
  await reveal(page, 'photo');
  await node(page, 'photo').getByTestId('node-title').click();
  const photo = await sharp(photoRgb, { raw: { width: W, height: H, channels: 3 } }).png().toBuffer();
  await page.getByTestId('inspector').getByTestId('file-input-image').setInputFiles({ name: 'pattern.png', mimeType: 'image/png', buffer: photo });
  await expect.poll(() => node(page, 'photo').getByTestId('file-name-image').textContent()).toBe('pattern.png');

  // Opened from the node: the Load Image's picture under the mask, before any run.
  await reveal(page, 'mask');
  await node(page, 'mask').getByTestId('paint-strokes').click();
  const painter = page.getByTestId('painter');
  const canvas = painter.getByTestId('painter-canvas');
  await canvas.waitFor();
  const picture = await pixels(painter.getByTestId('painter-picture'));
  for (const [x, y] of [[0, 0], [W - 1, 5], [20, 40]]) expect(picture.slice((y * W + x) * 4, (y * W + x) * 4 + 3)).toEqual([...photoRgb.subarray((y * W + x) * 3, (y * W + x) * 3 + 3)]);
  // The example's own stroke goes with Clear; then two strokes of our own, size 10 px.
  await painter.getByTestId('painter-clear').click();
  await expect.poll(() => painter.getByTestId('painter-strokes').getAttribute('data-count')).toBe('0');
  await painter.getByTestId('painter-size').fill('10');
  await paint(canvas, strokeA);
  await paint(canvas, strokeB);
  await expect.poll(() => painter.getByTestId('painter-strokes').getAttribute('data-count')).toBe('2');
  // The eraser (from the keyboard) takes a dab out of the first stroke... and Ctrl+Z puts it back.
  await painter.getByTestId('painter-brush').focus();
  await page.keyboard.press('e');
  expect(await painter.getByTestId('painter-eraser').getAttribute('aria-pressed')).toBe('true');
  await paint(canvas, [[0.7, 0.3]]);
  await expect.poll(() => painter.getByTestId('painter-strokes').getAttribute('data-count')).toBe('3');
  const overlay = await pixels(canvas);
  expect(overlay[(Math.floor(0.3 * H) * W + Math.floor(0.7 * W)) * 4 + 3]).toBe(0);
  await shot(page, 'painter');
  await page.keyboard.press('Control+z');
  await expect.poll(() => painter.getByTestId('painter-strokes').getAttribute('data-count')).toBe('2');
  await page.keyboard.press('b');
  await painter.getByTestId('painter-done').click();
  await expect.poll(() => page.getByTestId('painter').count()).toBe(0);
  expect(await node(page, 'mask').getByTestId('strokes-count-strokes').getAttribute('data-count')).toBe('2');

  await runAll(page, 120_000);
  for (const id of ['mask', 'denoise', 'overlay', 'output']) expect(await status(page, id)).toBe('done');
  const both = await maskPixels();
  for (const p of [...strokeA, ...strokeB]) expect(px(both, ...p)).toBe(255);
  expect(px(both, 0.05, 0.05)).toBe(0);
  expect(px(both, 0.5, 0.55)).toBe(0);
  // Outside the mask the output is the photo, pixel for pixel; inside it changed.
  const out = await pixels(node(page, 'output').getByTestId('node-image'));
  let outsideWorst = 0;
  let insideChanged = 0;
  let inside = 0;
  for (let i = 0; i < W * H; i++) {
    const diff = Math.max(...[0, 1, 2].map((c) => Math.abs(out[i * 4 + c] - photoRgb[i * 3 + c])));
    if (both[i] === 0) outsideWorst = Math.max(outsideWorst, diff);
    else { inside++; if (diff > 8) insideChanged++; }
  }
  expect(inside).toBeGreaterThan(100);
  expect(outsideWorst).toBeLessThanOrEqual(1);
  expect(insideChanged / inside).toBeGreaterThan(0.5);
  await shot(page, 'painter-inpainted');

  // Undo a stroke with the painter open (from the inspector this time): Ctrl+Z there is the graph's undo.
  // Ctrl+Y redoes it; undo again.
  await page.getByTestId('inspector').getByTestId('paint-strokes').click();
  await painter.getByTestId('painter-canvas').waitFor();
  await page.keyboard.press('Control+z');
  await expect.poll(() => painter.getByTestId('painter-strokes').getAttribute('data-count')).toBe('1');
  await page.keyboard.press('Control+y');
  await expect.poll(() => painter.getByTestId('painter-strokes').getAttribute('data-count')).toBe('2');
  await page.keyboard.press('Control+z');
  await expect.poll(() => painter.getByTestId('painter-strokes').getAttribute('data-count')).toBe('1');
  await page.keyboard.press('Escape');
  await expect.poll(() => page.getByTestId('painter').count()).toBe(0);
  const one = await maskPixels();
  for (const p of strokeA) expect(px(one, ...p)).toBe(255);
  for (const p of strokeB) expect(px(one, ...p)).toBe(0);
  // What is left is stroke A as it was: every pixel of it still there, nothing new.
  expect(one.every((v, i) => v === 0 || both[i] === 255)).toBe(true);
  const ones = one.filter((v) => v === 255).length;
  expect(ones).toBeGreaterThan(30);
  expect(ones).toBeLessThan(both.filter((v) => v === 255).length);

  // Saved with the graph; reopened after another graph, the mask is the same.
  const saved = await saveGraphFile(page, 'painted');
  const doc = JSON.parse(saved.bytes.toString('utf8')) as { nodes: { id: string; params: Record<string, unknown> }[] };
  const strokes = doc.nodes.find((n) => n.id === 'mask')!.params.strokes as { mode: string; points: number[] }[];
  expect(strokes).toHaveLength(1);
  expect(strokes[0].mode).toBe('brush');
  await openExample(page, 'default');
  await page.getByTestId('open-file-input').setInputFiles({ name: 'painted.json', mimeType: 'application/json', buffer: saved.bytes });
  await nodesMeasured(page);
  expect(await node(page, 'mask').getByTestId('strokes-count-strokes').getAttribute('data-count')).toBe('1');
  expect(await maskPixels()).toEqual(one);
});

test('hires fix: the scrubber of each Denoise shows that node\'s own steps', { timeout: 240_000 }, async () => {
  const param = (id: string, name: string) => exampleParam('hires-fix', id, name);
  const steps = param('scheduler', 'steps');
  await openExample(page, 'hires-fix');
  await runAll(page, 180_000);
  const scrubber = page.getByTestId('inspector').getByTestId('step-scrubber');
  for (const [id, count] of [['denoise', steps], ['denoise_hires', Math.floor(steps * param('denoise_hires', 'strength'))]] as const) {
    await reveal(page, id);
    await node(page, id).getByTestId('node-title').click();
    await expect.poll(() => scrubber.getByTestId('scrubber-frame').count(), { timeout: 30_000 }).toBe(count);
  }
  // Scrub the second Denoise to its third step: that step's preview and its decoded image.
  const slider = scrubber.getByTestId('scrubber-slider');
  await slider.focus();
  await page.keyboard.press('Home');
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => scrubber.getByTestId('scrubber-step').textContent()).toBe('3');
  await expect.poll(() => scrubber.getByTestId('scrubber-decoded-label').textContent(), { timeout: 60_000 }).toContain('step 3');
  const decoded = scrubber.getByTestId('scrubber-decoded');
  const size = 2 * param('noise', 'width'); // Latent Upscale x2
  expect(await decoded.evaluate((c: HTMLCanvasElement) => [c.width, c.height])).toEqual([size, size]);
  await shot(page, 'hires-fix-scrub');
});
