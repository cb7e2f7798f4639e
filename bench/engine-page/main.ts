// The app's engine (its own Web Worker, as the editor starts it) on a bare page, for tests and benches that
// run graphs in Chromium and read the run's events: window.runGraphs(backend, runs).
import { startBrowserEngine } from '../../src/engine/client.browser.ts';
import type { RunEvent } from '../../src/engine/events.ts';
import type { GraphDoc } from '../../src/graph/types.ts';
import { isImage } from '../../src/image/value.ts';
import type { StepTraffic } from '../../src/kernel/define.ts';
import type { LatentValue } from '../../src/kernel/values.ts';
import type { WebBackend } from '../../src/runtime/web.ts';

export interface GraphRun { doc: GraphDoc; targets?: string[] }
export interface StepEvent { node: string; step: number; total: number; preview: boolean; traffic?: StepTraffic }
export interface RunOutcome {
  status: string;
  failures: string[];
  steps: StepEvent[];
  /** The first image output of each output node, as 8-bit values. */
  images: Record<string, { width: number; height: number; pixels: number[] }>;
  /** The final latent of each Denoise node that ran. */
  latents: Record<string, number[]>;
  ms: number;
}

async function runGraphs(backend: WebBackend, runs: GraphRun[]): Promise<{ backend: string; outcomes: RunOutcome[] }> {
  const engine = await startBrowserEngine(backend);
  try {
    const outcomes: RunOutcome[] = [];
    for (const { doc, targets } of runs) {
      const steps: StepEvent[] = [];
      const onEvent = engine.listen((e: RunEvent) => {
        if (e.type === 'node-progress') steps.push({ node: e.nodeId, step: e.step, total: e.total, preview: e.preview !== undefined, traffic: e.traffic });
      });
      const t0 = performance.now();
      const result = await engine.api.run(doc, { targets }, onEvent);
      const ms = performance.now() - t0;
      // Events travel on their own channel: wait until each node's last step has arrived.
      for (let tries = 0; tries < 100 && !steps.every((s) => steps.some((o) => o.node === s.node && o.step === o.total)); tries++) {
        await new Promise((done) => setTimeout(done, 20));
      }
      const images: RunOutcome['images'] = {};
      for (const [id, outputs] of Object.entries(result.results)) {
        const image = Object.values(outputs).find(isImage);
        if (image) images[id] = { width: image.width, height: image.height, pixels: Array.from(image.data, (v) => Math.round(Math.min(1, Math.max(0, v)) * 255)) };
      }
      const latents: RunOutcome['latents'] = {};
      for (const node of doc.nodes.filter((n) => n.type === 'diffusion.denoise')) {
        const outputs = await engine.api.outputs(node.id);
        const latent = outputs?.latent as LatentValue | undefined;
        if (latent) latents[node.id] = Array.from(latent.tensor.data as Float32Array);
      }
      const failures = Object.entries(result.nodes).flatMap(([id, o]) => (o.state === 'failed' ? [`${id}: ${o.message}`] : []));
      outcomes.push({ status: result.status, failures, steps, images, latents, ms });
    }
    return { backend: (await engine.api.info()).backend, outcomes };
  } finally {
    engine.close();
  }
}

(window as unknown as { runGraphs: typeof runGraphs }).runGraphs = runGraphs;
document.title = 'ready';
