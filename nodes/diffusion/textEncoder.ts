import { asFloat } from '../../src/runtime/half.ts';
import { checkSignature } from '../../src/runtime/signature.ts';
import { defineNode } from '../api.ts';
import { tokenizerFor } from './tokenizers.ts';

export default defineNode({
  type: 'diffusion.text_encoder', version: 1, title: 'Text Encoder', category: 'Diffusion',
  description: 'CLIP tokenizer and text encoder: text to conditioning.',
  inputs: { text_encoder: 'TEXT_ENCODER', text: 'TEXT' },
  params: {},
  outputs: { conditioning: 'CONDITIONING' },
  async run({ inputs, ctx }) {
    const { manifest } = inputs.text_encoder;
    const [tokenizer, info] = await Promise.all([tokenizerFor(ctx.runtime, manifest), ctx.runtime.open(manifest, 'text_encoder')]);
    checkSignature(info, {
      inputs: { input_ids: { dtypes: ['int32', 'int64'], ranks: [2] } },
      outputs: { last_hidden_state: { dtypes: ['float32', 'float16'], ranks: [3] } },
    });
    const ids = tokenizer.encode(inputs.text);
    const dtype = info.inputs.find((i) => i.name === 'input_ids')!.dtype;
    const data = dtype === 'int64' ? BigInt64Array.from(ids, (v) => BigInt(v)) : Int32Array.from(ids);
    const out = await ctx.runtime.run(info, { input_ids: { dtype: dtype as 'int32' | 'int64', dims: [1, ids.length], data } }, ctx.signal);
    return { conditioning: { kind: 'conditioning', tensor: asFloat(out.last_hidden_state, 'float32'), text: inputs.text } };
  },
});
