import type { TorchGeneratorState } from '../../src/diffusion/torchRandom.ts';
import { TorchGenerator } from '../../src/diffusion/torchRandom.ts';
import { img2imgSchedule, inpaintBlend, type SchedulerState } from '../../src/diffusion/schedulers/index.ts';
import type { Device, Traffic } from '../../src/runtime/device.ts';
import type { Tensor } from '../../src/runtime/tensor.ts';
import { defineNode, float, int, type ImageValue, type Preview } from '../../src/kernel/define.ts';
import { decodedPreview, latentPreview, openPreviewer } from './preview.ts';
import { initRows, latentAt, latentMask, samplerStep, startFrom, type Cursor } from './sampling.ts';
import { residentReason, residentSteps } from './residentSteps.ts';
import { openUnet } from './unet.ts';
import { unetNeed, unetOutputsSketch } from './unetMemory.ts';

/** Decode the live preview every this many steps: see README (Live previews) for what it costs. */
const PREVIEW_EVERY = 10;

/**
 * What is kept of the kept steps (every one, or every k-th and the last), so they can be inspected, and a
 * longer run can resume from a shorter one.
 */
interface StepRecord {
  /** The schedule index of each kept step, ascending. */
  indices: number[];
  latents: Tensor[];
  denoised: Tensor[];
  previews: ImageValue[];
  states: { scheduler: SchedulerState; generator?: TorchGeneratorState }[];
}

export default defineNode({
  type: 'diffusion.denoise', version: 1, title: 'Denoise', category: 'Diffusion',
  aliases: ['ksampler', 'ksampler advanced', 'sampler', 'sample', 'sampling', 'diffuse', 'generate'],
  description: 'The sampling loop over steps [start, end), keeping every step for the step scrubber. ' +
    "Image to image: wire an init latent (VAE Encode) and set strength below 1: the last int(steps x strength) steps run, " +
    "from the init latent noised to the first of them (as diffusers' img2img pipeline). " +
    'Prompt editing: wire positive_after and its prompt takes over after the first switch_at of the steps. ' +
    'Inpainting: wire a mask (1 = repaint) with the init latent; a plain UNet keeps the rest of the init latent at every step, ' +
    'an inpainting UNet (9 channels) also takes the masked image\'s latent (Masked Image -> VAE Encode) on masked_latent. ' +
    "Live preview: wire a VAE (Load Stable Diffusion's, or a TAESD from Load Preview Decoder) into preview_decoder and each " +
    "preview_every-th step's predicted final image is shown decoded, and the schedule's last step its result (a VAE Decode of " +
    'that latent then reuses the picture); unwired, the preview is that latent as colours. ' +
    'Neither changes the results or re-runs anything. ' +

    'keep_every k keeps and previews every k-th step and the last; on WebGPU the latents of the others never leave the GPU.',
  inputs: {
    unet: 'UNET', positive: 'CONDITIONING', negative: { type: 'CONDITIONING', optional: true }, latent: 'LATENT', schedule: 'SCHEDULE',
    init: { type: 'LATENT', optional: true },
    positive_after: { type: 'CONDITIONING', optional: true },
    mask: { type: 'MASK', optional: true },
    masked_latent: { type: 'LATENT', optional: true },
    preview_decoder: { type: 'VAE', optional: true },
  },
  params: {
    cfg: float({ default: 7.5, min: 0, max: 30, step: 0.5 }),
    strength: float({ default: 1, min: 0.01, max: 1, step: 0.05, label: 'strength (image to image)' }),
    switch_at: float({ default: 0.5, min: 0, max: 1, step: 0.05, label: 'switch to positive_after at (fraction of steps)' }),
    start: int({ default: 0, min: 0, max: 1000 }),
    end: int({ default: 1000, min: 1, max: 1000, label: 'stop at step (1000 = all)' }),
    preview_every: int({ default: PREVIEW_EVERY, min: 1, max: 1000, label: 'decode the preview every n steps' }),
    keep_every: int({ default: 1, min: 1, max: 1000, label: 'keep and preview every k-th step (and the last)' }),
  },
  outputs: { latent: 'LATENT', denoised: 'LATENT', steps: 'STEPS' },
  // Everything but `end` decides the steps: a run to a later end carries on from an earlier one.
  resume: { ignoreParams: ['end'] },
  // What the preview shows is no part of the result: wiring a decoder or changing how often re-runs nothing.
  previewOnly: { inputs: ['preview_decoder'], params: ['preview_every'] },
  memory(params, { unet, latent, schedule }) {
    if (!unet || !latent || !schedule) return undefined;
    const steps = Math.max(0, Math.min(params.end, schedule.schedule.timesteps.length) - params.start);
    return unetNeed(unet, latent, params.cfg, steps);
  },
  sketch: (_params, { latent }) => unetOutputsSketch(latent),
  async run({ inputs, params, ctx }) {
    // Start and end count the steps this strength runs; strength 1 is the whole schedule.
    const schedule = img2imgSchedule(inputs.schedule.schedule, params.strength);
    const { manifest } = inputs.unet;
    const start = params.start;
    const end = Math.min(params.end, schedule.timesteps.length);
    if (start >= end) throw new Error(`start (${start}) must be below end (${end}; the schedule has ${schedule.timesteps.length} steps)`);
    const unet = await openUnet(ctx.runtime, manifest);
    const [, channels, h, w] = inputs.latent.tensor.dims;
    let blend: { mask: Float32Array; init: Float32Array; noise: Float32Array } | undefined;
    let extra: Float32Array | undefined;
    if (inputs.mask) {
      if (!inputs.init) throw new Error('a mask needs an init latent: the image to inpaint, through VAE Encode');
      if (inputs.latent.progress) throw new Error('inpainting starts from fresh noise: wire a Noise node into latent');
      const mask = latentMask(inputs.mask, h, w);
      if (unet.inpainting) {
        const masked = inputs.masked_latent;
        if (!masked) throw new Error("this inpainting UNet also needs the masked image's latent on masked_latent (Masked Image -> VAE Encode)");
        const md = masked.tensor.dims;
        if (md[0] !== 1 || md[1] !== channels || md[2] !== h || md[3] !== w) {
          throw new Error(`masked_latent is [${md.join(', ')}]; expected [1, ${channels}, ${h}, ${w}] (one image, the noise's size)`);
        }
        extra = new Float32Array(mask.length * (1 + channels));
        extra.set(mask);
        extra.set(masked.tensor.data as Float32Array, mask.length);
      } else {
        if (inputs.masked_latent) throw new Error('masked_latent is for inpainting UNets (9 input channels); this UNet takes the latent alone');
        blend = { mask, init: initRows(inputs.init, inputs.latent.tensor.dims), noise: inputs.latent.tensor.data as Float32Array };
      }
    } else if (inputs.masked_latent) {
      throw new Error('masked_latent needs a mask');
    }
    const previewer = inputs.preview_decoder ? await openPreviewer(ctx.runtime, inputs.preview_decoder, channels) : undefined;
    const guidance = { positive: inputs.positive.tensor, negative: inputs.negative?.tensor, cfg: params.cfg, inpaint: extra };
    // Prompt editing, as the web UI's [A:B:x]: steps 0 to int(x * steps) (inclusive) use positive, later ones positive_after.
    const switchStep = Math.trunc(params.switch_at * schedule.timesteps.length);
    const guidanceAt = (i: number) => (inputs.positive_after && i > switchStep ? { ...guidance, positive: inputs.positive_after.tensor } : guidance);

    const saved = ctx.memo.get() as { record: StepRecord } | undefined;
    const record: StepRecord = saved
      ? { indices: [...saved.record.indices], latents: [...saved.record.latents], denoised: [...saved.record.denoised], previews: [...saved.record.previews], states: [...saved.record.states] }
      : { indices: [], latents: [], denoised: [], previews: [], states: [] };
    let cursor = startFrom(inputs.latent, schedule, start, inputs.init, inputs.mask !== undefined);
    // Carry on from the last kept step before `end`; kept steps after it (from a longer run) are made again.
    const resumeAt = record.indices.findLastIndex((s) => s < end);
    let from = start;
    if (resumeAt >= 0) {
      const { scheduler, generator } = record.states[resumeAt];
      cursor = { x: record.latents[resumeAt].data as Float32Array, dims: cursor.dims, state: scheduler, generator: generator ? TorchGenerator.fromState(generator) : null };
      from = record.indices[resumeAt] + 1;
    }
    if (from < end) for (const list of Object.values(record)) list.length = resumeAt + 1;
    const keep = (i: number) => (i - start + 1) % params.keep_every === 0 || i === end - 1;
    // With a decoder: a kept step at least preview_every steps after the last decode, and the last step, are
    // decoded; the colours show only until the first (between decodes the last one stays in view). Without
    // one: the colours at every kept step.
    let lastDecoded = from - start;
    let decoded = false;
    const record1 = async (i: number, x: Float32Array, x0: Float32Array, state: SchedulerState, generator: TorchGenerator | null): Promise<Preview | undefined> => {
      const denoised: Tensor = { dtype: 'float32', dims: cursor.dims, data: x0 };
      const colours = latentPreview(denoised, manifest);
      record.indices.push(i);
      record.latents.push({ dtype: 'float32', dims: cursor.dims, data: x });
      record.denoised.push(denoised);
      record.previews.push(colours);
      record.states.push({ scheduler: state, generator: generator?.getState() });
      ctx.memo.set({ record });
      const k = i - start + 1;
      if (previewer && (k - lastDecoded >= params.preview_every || i === end - 1)) {
        lastDecoded = k;
        decoded = true;
        // After the schedule's last step the latent is the result: decoding it shows the finished picture,
        // and the VAE Decode downstream finds that decode kept (decode.ts) instead of running it again.
        const shown = i === schedule.timesteps.length - 1 ? { dtype: 'float32' as const, dims: cursor.dims, data: x } : denoised;
        return decodedPreview(ctx.runtime, previewer, shown, ctx.signal);
      }
      return decoded ? undefined : { image: colours, shows: 'latent' };
    };

    const device = from < end ? await (ctx.runtime.gpu?.() ?? `the ${ctx.runtime.backend} backend runs on the CPU`) : 'nothing to run';
    const variants = inputs.positive_after ? [guidance, guidanceAt(end - 1)] : [guidance];
    const reason = from < end ? residentReason(device, unet, schedule, from, cursor.state, variants, inputs.mask !== undefined) : null;
    if (from < end && reason === null) {
      let setup: Traffic | undefined;
      await residentSteps({
        device: device as Device, unet, schedule, from, end, cursor, guidanceAt, keep, signal: ctx.signal,
        onSetup: (copied) => { setup = copied; },
        onStep: async (i, kept, copied) => {
          // A decoded preview's copies count toward its step, as on the CPU path.
          const { traffic } = device as Device;
          const [up, down] = [traffic.up, traffic.down];
          const preview = kept && await record1(i, kept.x, kept.x0, kept.state, cursor.generator);
          const [bytesUp, bytesDown] = [copied.up + traffic.up - up, copied.down + traffic.down - down];
          ctx.progress(i - start + 1, end - start, preview, {
            resident: true, bytesUp, bytesDown, ...(setup ? { setup: { bytesUp: setup.up, bytesDown: setup.down } } : {}),
          });
          setup = undefined;
        },
      });
    } else {
      const traffic = typeof device === 'string' ? undefined : device.traffic;
      for (let i = from; i < end; i++) {
        ctx.signal.throwIfAborted();
        const before = traffic && { ...traffic };
        const out = await samplerStep(ctx.runtime, unet, schedule, i, cursor, guidanceAt(i), ctx.signal);
        if (blend) out.x = inpaintBlend(schedule, i, out.x, blend.init, blend.noise, blend.mask);
        cursor = { ...cursor, x: out.x, state: out.state };
        const preview = keep(i) ? await record1(i, out.x, out.denoised, out.state, cursor.generator) : undefined;
        ctx.progress(i - start + 1, end - start, preview, {
          resident: false, reason: reason ?? undefined,
          bytesUp: traffic ? traffic.up - before!.up : 0, bytesDown: traffic ? traffic.down - before!.down : 0,
        });
      }
    }
    const n = record.indices.findLastIndex((s) => s < end) + 1;
    const last = n - 1;
    const final: Cursor = { ...cursor, x: record.latents[last].data as Float32Array, state: record.states[last].scheduler,
      generator: record.states[last].generator ? TorchGenerator.fromState(record.states[last].generator!) : null };
    const indices = record.indices.slice(0, n);
    return {
      latent: latentAt(final, schedule, end),
      denoised: { kind: 'latent', tensor: record.denoised[last] },
      steps: {
        kind: 'steps',
        indices,
        timesteps: indices.map((s) => schedule.timesteps[s]),
        latents: record.latents.slice(0, n),
        denoised: record.denoised.slice(0, n),
        previews: record.previews.slice(0, n),
      },
    };
  },
});
