// A VAE decoder (an SD export's, or TAESD's): latents -> image in [-1, 1].
import { dim, FLOAT, namedFit, precisionOf, type BaseFacts, type Contract } from './contract.ts';

export interface VaeDecoderFacts extends BaseFacts {
  dtype: string;
  latentChannels?: number;
}

const named = {
  inputs: { latent_sample: { dtypes: FLOAT, ranks: [4] } },
  outputs: { sample: { dtypes: FLOAT, ranks: [4] } },
};

export const VAE_DECODER: Contract<VaeDecoderFacts> = {
  role: 'vae_decoder', title: 'VAE decoder', a: 'a VAE decoder', file: 'vae_decoder', named,
  fit: (io) => namedFit(named, io, (get) => {
    const latent = get('inputs', 'latent_sample');
    return { precision: precisionOf(latent.dtype), input: 'latent_sample', output: 'sample', dtype: latent.dtype, latentChannels: dim(latent, 1) };
  }),
};
