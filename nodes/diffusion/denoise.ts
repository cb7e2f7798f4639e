import type { TorchGeneratorState } from '../../src/diffusion/torchRandom.ts';
import { TorchGenerator } from '../../src/diffusion/torchRandom.ts';
import type { SchedulerState } from '../../src/diffusion/schedulers/index.ts';
import type { Tensor } from '../../src/runtime/tensor.ts';
import { defineNode, float, int, type ImageValue } from '../../src/kernel/define.ts';
import { latentPreview } from './preview.ts';
import { latentAt, samplerStep, startFrom, type Cursor } from './sampling.ts';
import { openUnet } from './unet.ts';

/** What is kept of every step, so any step can be inspected, and a longer run can resume from a shorter one. */
interface StepRecord {
  latents: Tensor[];
  denoised: Tensor[];
  previews: ImageValue[];
  states: { scheduler: SchedulerState; generator?: TorchGeneratorState }[];
}

export default defineNode({
  type: 'diffusion.denoise', version: 1, title: 'Denoise', category: 'Diffusion',
  aliases: ['ksampler', 'ksampler advanced', 'sampler', 'sample', 'sampling', 'diffuse', 'generate'],
  description: 'The sampling loop over steps [start, end), keeping every step for the step scrubber.',
  inputs: { unet: 'UNET', positive: 'CONDITIONING', negative: { type: 'CONDITIONING', optional: true }, latent: 'LATENT', schedule: 'SCHEDULE' },
  params: {
    cfg: float({ default: 7.5, min: 0, max: 30, step: 0.5 }),
    start: int({ default: 0, min: 0, max: 1000 }),
    end: int({ default: 1000, min: 1, max: 1000, label: 'stop at step (1000 = all)' }),
  },
  outputs: { latent: 'LATENT', denoised: 'LATENT', steps: 'STEPS' },
  // Everything but `end` decides the steps: a run to a later end carries on from an earlier one.
  resume: { ignoreParams: ['end'] },
  async run({ inputs, params, ctx }) {
    const { schedule } = inputs.schedule;
    const { manifest } = inputs.unet;
    const start = params.start;
    const end = Math.min(params.end, schedule.timesteps.length);
    if (start >= end) throw new Error(`start (${start}) must be below end (${end}; the schedule has ${schedule.timesteps.length} steps)`);
    const unet = await openUnet(ctx.runtime, manifest);
    const guidance = { positive: inputs.positive.tensor, negative: inputs.negative?.tensor, cfg: params.cfg };

    const saved = ctx.memo.get() as { record: StepRecord } | undefined;
    const record: StepRecord = saved
      ? { latents: [...saved.record.latents], denoised: [...saved.record.denoised], previews: [...saved.record.previews], states: [...saved.record.states] }
      : { latents: [], denoised: [], previews: [], states: [] };
    let cursor = startFrom(inputs.latent, schedule, start);
    const done = record.latents.length;
    if (done > 0) {
      const at = Math.min(done, end - start) - 1;
      const { scheduler, generator } = record.states[at];
      cursor = { x: record.latents[at].data as Float32Array, dims: cursor.dims, state: scheduler, generator: generator ? TorchGenerator.fromState(generator) : null };
    }
    for (let i = start + done; i < end; i++) {
      ctx.signal.throwIfAborted();
      const out = await samplerStep(ctx.runtime, unet, schedule, i, cursor, guidance, ctx.signal);
      cursor = { ...cursor, x: out.x, state: out.state };
      const denoised: Tensor = { dtype: 'float32', dims: cursor.dims, data: out.denoised };
      const preview = latentPreview(denoised, manifest);
      record.latents.push({ dtype: 'float32', dims: cursor.dims, data: out.x });
      record.denoised.push(denoised);
      record.previews.push(preview);
      record.states.push({ scheduler: out.state, generator: cursor.generator?.getState() });
      ctx.memo.set({ record });
      ctx.progress(i - start + 1, end - start, preview);
    }
    const n = end - start;
    const last = n - 1;
    const final: Cursor = { ...cursor, x: record.latents[last].data as Float32Array, state: record.states[last].scheduler,
      generator: record.states[last].generator ? TorchGenerator.fromState(record.states[last].generator!) : null };
    return {
      latent: latentAt(final, schedule, end),
      denoised: { kind: 'latent', tensor: record.denoised[last] },
      steps: {
        kind: 'steps',
        indices: Array.from({ length: n }, (_, k) => start + k),
        timesteps: schedule.timesteps.slice(start, end),
        latents: record.latents.slice(0, n),
        denoised: record.denoised.slice(0, n),
        previews: record.previews.slice(0, n),
      },
    };
  },
});
