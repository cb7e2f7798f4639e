import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { launch, nodeCount, nodesMeasured, openApp, shot } from './support/app.ts';

let browser: Browser;
beforeAll(async () => { browser = await launch(); });
afterAll(async () => { await browser?.close(); });

test('the app opens the first example, isolated, with a backend', async () => {
  const { page, context } = await openApp(browser);
  await nodesMeasured(page);
  expect(await nodeCount(page)).toBeGreaterThan(0);
  expect(await page.getByTestId('backend-name').textContent()).toBe('wasm');
  await shot(page, 'start');
  await context.close();
});
