// A Stable Diffusion UNet as the public exports write it; the timestep's dtype and rank vary by exporter.
// An inpainting UNet takes 2c + 1 channels for c latent channels (9 for SD: the latent, the mask and
// the masked image's latent) and gives c.
import { dim, FLOAT, namedFit, precisionOf, type BaseFacts, type Contract } from './contract.ts';

export interface UnetFacts extends BaseFacts {
  sampleDtype: string;
  /** Channels of the latent it predicts (out_sample's; 4 for an inpainting UNet's 9 inputs). */
  latentChannels?: number;
  /** Channels `sample` takes. */
  inputChannels?: number;
  /** Takes the latent, the mask and the masked image's latent (2c + 1 channels). */
  inpainting: boolean;
  /** The width encoder_hidden_states take. */
  hiddenSize?: number;
  /** Conditioning tokens encoder_hidden_states takes, when the export fixes them (often 77). */
  tokens?: number;
  timestep: { dtype: string; rank: number };
}

const named = {
  inputs: {
    sample: { dtypes: FLOAT, ranks: [4] },
    timestep: { dtypes: ['int64', 'int32', 'float32', 'float16'], ranks: [0, 1] },
    encoder_hidden_states: { dtypes: FLOAT, ranks: [3] },
  },
  outputs: { out_sample: { dtypes: FLOAT, ranks: [4] } },
};

export const UNET: Contract<UnetFacts> = {
  role: 'unet', title: 'UNet', a: 'a UNet', file: 'unet', named,
  fit: (io) => namedFit(named, io, (get) => {
    const sample = get('inputs', 'sample');
    const t = get('inputs', 'timestep');
    const inputChannels = dim(sample, 1);
    const outputChannels = dim(get('outputs', 'out_sample'), 1);
    const latentChannels = outputChannels ?? (inputChannels === 9 ? 4 : inputChannels);
    return {
      precision: precisionOf(sample.dtype), input: 'sample', output: 'out_sample', sampleDtype: sample.dtype,
      latentChannels, inputChannels, inpainting: inputChannels !== undefined && latentChannels !== undefined && inputChannels === 2 * latentChannels + 1,
      hiddenSize: dim(get('inputs', 'encoder_hidden_states'), 2),
      tokens: dim(get('inputs', 'encoder_hidden_states'), 1),
      timestep: { dtype: t.dtype, rank: t.shape?.length ?? 1 },
    };
  }, ' (SDXL-style UNets are not supported)'),
};
