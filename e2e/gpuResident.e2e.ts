// Denoise on WebGPU (SwiftShader here) keeps its latents on the GPU: steps that keep nothing copy no
// bytes between CPU and GPU, and the result equals the WASM backend's. Runs the app's engine in its own
// worker on a bare page (bench/engine-page), where the run's events can be read.
import { beforeAll, expect, test } from 'vitest';
import { tinyGraph, withEnginePage, withoutLivePreview, type RunOutcome } from '../bench/enginePage.ts';
import { exampleGraph } from './support/graphs.ts';

const DEFAULT = exampleGraph('default');
/** The default graph's image size (its Noise node's); SD's VAE downscales by 8. */
const SIZE = DEFAULT.nodes.find((n) => n.id === 'noise')!.params.width as number;
const STEPS = 6;
const KEEP = 3;
const SAMPLERS = ['euler', 'dpmpp_2m', 'ddim'];
/** The sampler's own copies: without the decoded live preview, whose decoder's copies count toward its steps. */
const graph = (sampler: string) => ({ doc: withoutLivePreview(tinyGraph(DEFAULT, { scheduler: { sampler, steps: STEPS }, denoise: { keep_every: KEEP } })), targets: ['output'] });

let gpu: { backend: string; outcomes: RunOutcome[] };
let wasm: { backend: string; outcomes: RunOutcome[] };
beforeAll(async () => {
  await withEnginePage(async (run) => {
    gpu = await run('webgpu', [...SAMPLERS.map(graph), graph('euler_ancestral')]);
    wasm = await run('wasm', [...SAMPLERS.map(graph), graph('euler_ancestral')]);
  });
}, 600_000);

const denoiseSteps = (o: RunOutcome) => o.steps.filter((s) => s.node === 'denoise');

test.each(SAMPLERS.map((s, k) => [s, k] as const))('%s on WebGPU: latents stay on the GPU, and the image equals the WASM one', (sampler, k) => {
  expect(gpu.backend).toBe('webgpu');
  const o = gpu.outcomes[k];
  expect(o.failures).toEqual([]);
  const steps = denoiseSteps(o);
  expect(steps.map((s) => s.step)).toEqual([1, 2, 3, 4, 5, 6]);
  expect(steps.map((s) => s.preview)).toEqual([false, false, true, false, false, true]);
  for (const s of steps) expect(s.traffic?.resident, s.traffic?.reason).toBe(true);
  // Kept steps bring back the latent and its clean estimate: 2 x [1, 4, SIZE/8, SIZE/8] float32; the others nothing.
  const latentBytes = 4 * (SIZE / 8) * (SIZE / 8) * 4;
  expect(steps.map((s) => [s.traffic!.bytesUp, s.traffic!.bytesDown])).toEqual(steps.map((s) => [0, s.preview ? 2 * latentBytes : 0]));
  expect(steps[0].traffic!.setup!.bytesUp).toBeGreaterThan(latentBytes); // the start latent, the conditioning, the timesteps
  const ref = wasm.outcomes[k];
  expect(denoiseSteps(ref)[0].traffic).toEqual({ resident: false, reason: 'the wasm backend runs on the CPU', bytesUp: 0, bytesDown: 0 });
  const [a, b] = [o.images.output.pixels, ref.images.output.pixels];
  expect(a.length).toBe(b.length);
  expect(new Set(b).size).toBeGreaterThan(5); // not a blank image
  expect(a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0)).toBeLessThanOrEqual(2);
  // The final latents too, relative to their largest value (an int64 timestep misread once moved them by 1%).
  const [la, lb] = [o.latents.denoise, ref.latents.denoise];
  const scale = Math.max(...lb.map(Math.abs));
  const worst = la.reduce((m, v, i) => Math.max(m, Math.abs(v - lb[i])), 0);
  console.log(`${sampler}: largest latent difference from WASM ${worst.toExponential(2)} of ${scale.toFixed(3)}`);
  expect(worst / scale).toBeLessThan(1e-4);
});

test('a sampler that draws noise at every step runs on the CPU path, says why, and copies every step', () => {
  const o = gpu.outcomes[SAMPLERS.length];
  expect(o.failures).toEqual([]);
  const [la, lb] = [o.latents.denoise, wasm.outcomes[SAMPLERS.length].latents.denoise];
  console.log(`euler_a cpu path: largest latent difference from WASM ${la.reduce((m, v, i) => Math.max(m, Math.abs(v - lb[i])), 0).toExponential(2)} of ${Math.max(...lb.map(Math.abs)).toFixed(3)}`);
  const steps = denoiseSteps(o);
  expect(steps).toHaveLength(STEPS);
  for (const s of steps) {
    expect(s.traffic).toMatchObject({ resident: false, reason: 'Euler ancestral draws fresh noise at every step' });
    // The UNet's input, conditioning and timestep go up, its output comes down, at every step.
    expect(s.traffic!.bytesUp).toBeGreaterThan(0);
    expect(s.traffic!.bytesDown).toBe(2 * 4 * (SIZE / 8) * (SIZE / 8) * 4); // the UNet's output for both rows of the guidance batch
  }
});
