import { choice, defineNode, int } from '../../src/kernel/define.ts';

export default defineNode({
  type: 'diffusion.pick_step', version: 1, title: 'Pick Step', category: 'Diffusion',
  aliases: ['step', 'intermediate'],
  description: "One recorded step of a Denoise run: its latent after the step, or its predicted clean latent.",
  inputs: { steps: 'STEPS' },
  params: {
    step: int({ default: 0, min: 0, max: 999, label: 'step (0 = first)' }),
    which: choice({ choices: ['denoised', 'latent'] as const, default: 'denoised' }),
  },
  outputs: { latent: 'LATENT' },
  async run({ inputs, params }) {
    const { steps } = inputs;
    if (params.step >= steps.latents.length) {
      throw new Error(`step ${params.step} is outside the ${steps.latents.length} recorded steps (0..${steps.latents.length - 1})`);
    }
    const tensor = (params.which === 'denoised' ? steps.denoised : steps.latents)[params.step];
    return { latent: { kind: 'latent', tensor } };
  },
});
