// The idle-time warm-up in the real app: it happens after the engine starts (the readiness signal says so),
// the Text Encoders' results it leaves are what the first Run finds, and the image is the one a page with
// the warm-up turned off (?warm=0) makes.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launch, node, openApp, runAndWait, status, TEST_QUERY, WARM_QUERY } from './support/app.ts';

let browser: Browser;
beforeAll(async () => { browser = await launch(); });
afterAll(async () => { await browser?.close(); });

const doc = JSON.parse(await readFile(resolve(import.meta.dirname, '../graphs/default.json'), 'utf8')) as { nodes: { id: string; type: string }[] };
const output = doc.nodes.find((n) => n.type === 'image.output')!.id;
const encoders = doc.nodes.filter((n) => n.type === 'diffusion.text_encoder').map((n) => n.id);

const warmState = (page: Page) => page.getByTestId('backend-name').getAttribute('data-warm');

/** The first Run of the default graph on a fresh page: its output image as a PNG data URL, and what the encoders reported. */
async function firstImage(page: Page): Promise<{ png: string; encoders: (string | null)[] }> {
  await runAndWait(page, 'run-all', 120_000);
  const png = await node(page, output).getByTestId('node-image').evaluate((c) => (c as HTMLCanvasElement).toDataURL('image/png'));
  return { png, encoders: await Promise.all(encoders.map((id) => status(page, id))) };
}

test('the default graph warms up while idle, and the first Run after it makes the ?warm=0 image, its Text Encoders cached', async () => {
  const warm = await openApp(browser, WARM_QUERY);
  await warm.page.locator('[data-testid=backend-name][data-warm=done]').waitFor({ timeout: 60_000 });
  const warmed = await firstImage(warm.page);
  expect(warmed.encoders.every((s) => s === 'cached')).toBe(true);
  await warm.context.close();

  const cold = await openApp(browser, TEST_QUERY);
  expect(await warmState(cold.page)).toBe('off');
  const plain = await firstImage(cold.page);
  expect(plain.encoders.every((s) => s === 'done')).toBe(true);
  await cold.context.close();

  expect(warmed.png.length).toBeGreaterThan(1000);
  expect(warmed.png).toBe(plain.png);
}, 300_000); // two fresh pages, each running the default graph (128 px, upscaled to 512) once
