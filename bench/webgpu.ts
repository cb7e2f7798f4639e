// npm run bench -- webgpu: bytes of tensor data copied between CPU and GPU per Denoise step on the WebGPU
// backend (the tiny test model, 10 steps), with the latents kept on the GPU (keeping every 5th step and
// every step) and on the CPU path (Euler ancestral, which draws noise on the CPU), and the final image's
// largest difference from the WASM backend. Byte counts only: SwiftShader (a CPU) is never timed.
// LOOM_GPU_FLAGS=1 gives Chromium the real-GPU flags (bench/chromium.ts).
import { readFileSync } from 'node:fs';
import type { GraphDoc } from '../src/graph/types.ts';
import { tinyGraph, withEnginePage, withoutLivePreview, type RunOutcome } from './enginePage.ts';

const STEPS = 10;
const DEFAULT = JSON.parse(readFileSync(new URL('../graphs/default.json', import.meta.url), 'utf8')) as GraphDoc;
const graph = (sampler: string, keepEvery: number) => ({
  doc: withoutLivePreview(tinyGraph(DEFAULT, { scheduler: { sampler, steps: STEPS }, denoise: { keep_every: keepEvery } })), targets: ['output'],
});

/** Per-step bytes (up + down) of the Denoise steps, split by whether the step was kept (previewed). */
function perStep(o: RunOutcome) {
  const steps = o.steps.filter((s) => s.node === 'denoise' && s.traffic);
  const bytes = (s: (typeof steps)[number]) => s.traffic!.bytesUp + s.traffic!.bytesDown;
  const list = (xs: typeof steps) => [...new Set(xs.map(bytes))].join('/') || '-';
  const first = steps[0]?.traffic;
  return {
    where: first?.resident ? 'gpu' : `cpu (${first?.reason})`,
    kept: list(steps.filter((s) => s.preview)),
    notKept: list(steps.filter((s) => !s.preview)),
    setup: first?.setup ? first.setup.bytesUp + first.setup.bytesDown : 0,
  };
}

function worstPixel(a: RunOutcome, b: RunOutcome): number {
  const pa = a.images.output.pixels;
  const pb = b.images.output.pixels;
  return pa.reduce((m, v, i) => Math.max(m, Math.abs(v - pb[i])), 0);
}

export async function benchWebgpu(): Promise<Record<string, number | string>> {
  const gpuFlags = process.env.LOOM_GPU_FLAGS === '1';
  return withEnginePage(async (run) => {
    const runs = [graph('euler', 5), graph('euler', 1), graph('dpmpp_2m', 5), graph('euler_ancestral', 5)];
    const gpu = await run('webgpu', runs);
    const wasm = await run('wasm', runs.slice(0, 3));
    const failed = [...gpu.outcomes, ...wasm.outcomes].flatMap((o) => o.failures);
    if (failed.length > 0) throw new Error(failed.join('; '));
    const out: Record<string, number | string> = { 'webgpu.backend': gpu.backend, 'webgpu.flags': gpuFlags ? 'real GPU' : 'default (SwiftShader without a GPU)' };
    const names = ['euler_keep5', 'euler_keep1', 'dpmpp2m_keep5', 'euler_a_keep5'];
    gpu.outcomes.forEach((o, k) => {
      const s = perStep(o);
      out[`webgpu.${names[k]}.steps_run`] = s.where;
      out[`webgpu.${names[k]}.bytes_per_kept_step`] = s.kept;
      out[`webgpu.${names[k]}.bytes_per_other_step`] = s.notKept;
      out[`webgpu.${names[k]}.bytes_before_first_step`] = s.setup;
    });
    wasm.outcomes.forEach((o, k) => { out[`webgpu.${names[k]}.max_pixel_diff_vs_wasm`] = `${worstPixel(gpu.outcomes[k], o)}/255`; });
    return out;
  }, { gpuFlags });
}
