// A CLIP text encoder as the public SD exports write it: token ids -> hidden states.
import { dim, FLOAT, namedFit, precisionOf, type BaseFacts, type Contract } from './contract.ts';

export interface TextEncoderFacts extends BaseFacts {
  idsDtype: 'int32' | 'int64';
  /** Output width. */
  hiddenSize?: number;
  /** Tokens per prompt, when the model fixes it. */
  maxLength?: number;
}

const named = {
  inputs: { input_ids: { dtypes: ['int32', 'int64'], ranks: [2] } },
  outputs: { last_hidden_state: { dtypes: FLOAT, ranks: [3] } },
};

export const TEXT_ENCODER: Contract<TextEncoderFacts> = {
  role: 'text_encoder', title: 'text encoder', a: 'a text encoder', file: 'text_encoder', named,
  fit: (io) => namedFit(named, io, (get) => {
    const hidden = get('outputs', 'last_hidden_state');
    const ids = get('inputs', 'input_ids');
    return {
      precision: precisionOf(hidden.dtype), input: 'input_ids', output: 'last_hidden_state',
      idsDtype: ids.dtype as 'int32' | 'int64', hiddenSize: dim(hidden, 2), maxLength: dim(ids, 1),
    };
  }),
};
