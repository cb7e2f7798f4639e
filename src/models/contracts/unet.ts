// A Stable Diffusion UNet as the public exports write it; the timestep's dtype and rank vary by exporter.
import { dim, FLOAT, namedFit, precisionOf, type BaseFacts, type Contract } from './contract.ts';

export interface UnetFacts extends BaseFacts {
  sampleDtype: string;
  latentChannels?: number;
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
    return {
      precision: precisionOf(sample.dtype), input: 'sample', output: 'out_sample', sampleDtype: sample.dtype,
      latentChannels: dim(sample, 1), hiddenSize: dim(get('inputs', 'encoder_hidden_states'), 2),
      tokens: dim(get('inputs', 'encoder_hidden_states'), 1),
      timestep: { dtype: t.dtype, rank: t.shape?.length ?? 1 },
    };
  }, ' (SDXL-style UNets are not supported)'),
};
