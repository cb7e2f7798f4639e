// Runs graphs on the app's engine in headless Chromium (bench/engine-page), with the test models served:
// the GPU-resident denoising e2e test and `npm run bench -- webgpu` both use it.
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';
import type { GraphDoc } from '../src/graph/types.ts';
import type { WebBackend } from '../src/runtime/web.ts';
import { buildPage, CHROMIUM_FLAGS, GPU_FLAGS, serve } from './chromium.ts';
import type { GraphRun, RunOutcome } from './engine-page/main.ts';

export type { GraphRun, RunOutcome, StepEvent } from './engine-page/main.ts';

const root = fileURLToPath(new URL('..', import.meta.url));

export type RunGraphs = (backend: WebBackend, runs: GraphRun[]) => Promise<{ backend: string; outcomes: RunOutcome[] }>;

/** Builds the page, serves it with models/test, opens Chromium (real-GPU flags when asked), and hands `work` a runner. */
export async function withEnginePage<T>(work: (run: RunGraphs) => Promise<T>, options: { gpuFlags?: boolean } = {}): Promise<T> {
  const out = `${root}.cache/engine-page`;
  await buildPage(`${root}bench/engine-page`, out);
  const server = await serve({ '/': out }, `${root}models/test`);
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium', headless: true,
    args: [...CHROMIUM_FLAGS, ...(options.gpuFlags ? GPU_FLAGS : [])],
  });
  try {
    const page = await browser.newPage();
    page.on('pageerror', (e) => console.error(`page: ${e.message}`));
    await page.goto(server.url);
    await page.waitForFunction(() => document.title === 'ready', null, { timeout: 60_000 });
    return await work((backend, runs) => page.evaluate(([b, r]) => (window as unknown as { runGraphs: RunGraphs }).runGraphs(b, r), [backend, runs] as const));
  } finally {
    await browser.close();
    await server.close();
  }
}

/** The app's default graph on the tiny test models, with some params changed (by node id). */
/** The graph without Denoise's decoded live preview, so step traffic is the sampler's own. */
export function withoutLivePreview(doc: GraphDoc): GraphDoc {
  return { ...doc, edges: doc.edges.filter((e) => e.to.port !== 'preview_decoder') };
}

export function tinyGraph(defaultGraph: GraphDoc, changes: Record<string, Record<string, unknown>> = {}): GraphDoc {
  const doc = structuredClone(defaultGraph);
  doc.nodes.find((n) => n.id === 'model')!.params.model = 'test-tiny-sd';
  doc.nodes.find((n) => n.id === 'upscaler')!.params.model = 'test-tiny-upscaler';
  for (const [id, params] of Object.entries(changes)) Object.assign(doc.nodes.find((n) => n.id === id)!.params, params);
  return doc;
}
