// A VAE encoder as the public SD exports write it: image in [-1, 1] -> latents. Some exports give the
// latent itself ([B,4,h,w] `latent_sample`), others the distribution's parameters, mean then
// log-variance ([B,8,h,w], as `latent_sample` or `latent_parameters`).
import { dim, FLOAT, listIo, precisionOf, refuse, ruleProblem, type BaseFacts, type Contract } from './contract.ts';

export interface VaeEncoderFacts extends BaseFacts {
  dtype: string;
  /** Channels of the output: 4 (the latent), 8 (mean and log-variance), or undefined when symbolic. */
  outputChannels?: number;
  /** Latent channels (half the output's when it holds mean and log-variance). */
  latentChannels?: number;
}

const IMAGE = { dtypes: FLOAT, ranks: [4] };
const OUTPUT_NAMES = ['latent_sample', 'latent_parameters'] as const;

export const VAE_ENCODER: Contract<VaeEncoderFacts> = {
  role: 'vae_encoder', title: 'VAE encoder', a: 'a VAE encoder', file: 'vae_encoder',
  // Named like the exports; `latent_parameters` is the other name the output goes by.
  named: { inputs: { sample: IMAGE }, outputs: { latent_sample: IMAGE } },
  fit({ inputs, outputs }) {
    const input = inputs.find((i) => i.name === 'sample');
    if (!input) return refuse(`has no input "sample" (its inputs: ${listIo(inputs)})`);
    const extra = inputs.find((i) => i.name !== 'sample');
    if (extra) return refuse(`has an extra input "${extra.name}" that no node feeds`);
    const inputProblem = ruleProblem(input, IMAGE);
    if (inputProblem) return refuse(`input "sample" ${inputProblem}`);
    const channelsIn = dim(input, 1);
    if (channelsIn !== undefined && channelsIn !== 3) return refuse(`input "sample" has ${channelsIn} channels; expected 3 (RGB)`);
    const output = outputs.find((o) => (OUTPUT_NAMES as readonly string[]).includes(o.name));
    if (!output) return refuse(`has no output "latent_sample" or "latent_parameters" (its outputs: ${listIo(outputs)})`);
    const outputProblem = ruleProblem(output, IMAGE);
    if (outputProblem) return refuse(`output "${output.name}" ${outputProblem}`);
    const outputChannels = dim(output, 1);
    if (outputChannels !== undefined && outputChannels % 2 && outputChannels !== 4 && outputChannels !== 1) {
      return refuse(`output "${output.name}" has ${outputChannels} channels; expected the latent (4) or its mean and log-variance (8)`);
    }
    const parameters = output.name === 'latent_parameters' || outputChannels === 8;
    const latentChannels = outputChannels === undefined ? undefined : parameters ? outputChannels / 2 : outputChannels;
    return {
      ok: true,
      facts: { precision: precisionOf(input.dtype), input: 'sample', output: output.name, dtype: input.dtype, outputChannels, latentChannels },
    };
  },
};
