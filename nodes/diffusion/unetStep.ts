import { defineNode, float, int } from '../../src/kernel/define.ts';
import { latentAt, samplerStep, startFrom } from './sampling.ts';
import { openUnet } from './unet.ts';
import { unetNeed, unetOutputsSketch } from './unetMemory.ts';

export default defineNode({
  type: 'diffusion.unet_step', version: 1, title: 'UNet Step', category: 'Diffusion',
  aliases: ['single step', 'model step'],
  description: 'One scheduler step with classifier-free guidance (cond and uncond in one batched run).',
  inputs: { unet: 'UNET', latent: 'LATENT', positive: 'CONDITIONING', negative: { type: 'CONDITIONING', optional: true }, schedule: 'SCHEDULE' },
  params: { step: int({ default: 0, min: 0, max: 999 }), cfg: float({ default: 7.5, min: 0, max: 30, step: 0.5 }) },
  outputs: { latent: 'LATENT', denoised: 'LATENT' },
  memory: (params, { unet, latent }) => (unet && latent ? unetNeed(unet, latent, params.cfg, 1) : undefined),
  sketch: (_params, { latent }) => unetOutputsSketch(latent),
  async run({ inputs, params, ctx }) {
    const { schedule } = inputs.schedule;
    if (params.step >= schedule.timesteps.length) throw new Error(`step ${params.step} is outside the schedule's ${schedule.timesteps.length} steps`);
    const unet = await openUnet(ctx.runtime, inputs.unet.manifest);
    const cursor = startFrom(inputs.latent, schedule, params.step);
    const guidance = { positive: inputs.positive.tensor, negative: inputs.negative?.tensor, cfg: params.cfg };
    const out = await samplerStep(ctx.runtime, unet, schedule, params.step, cursor, guidance, ctx.signal);
    return {
      latent: latentAt({ ...cursor, x: out.x, state: out.state }, schedule, params.step + 1),
      denoised: { kind: 'latent', tensor: { dtype: 'float32', dims: cursor.dims, data: out.denoised } },
    };
  },
});
