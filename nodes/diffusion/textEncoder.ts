import { asFloat } from '../../src/runtime/half.ts';
import { mustFit } from '../../src/models/contracts/contract.ts';
import { TEXT_ENCODER } from '../../src/models/contracts/textEncoder.ts';
import { defineNode } from '../../src/kernel/define.ts';
import { tokenizerFor } from './tokenizers.ts';

export default defineNode({
  type: 'diffusion.text_encoder', version: 1, title: 'Text Encoder', category: 'Diffusion',
  aliases: ['clip text encode', 'clip', 'encode prompt', 'conditioning'],
  description: 'CLIP tokenizer and text encoder: text to conditioning.',
  inputs: { text_encoder: 'TEXT_ENCODER', text: 'TEXT' },
  params: {},
  outputs: { conditioning: 'CONDITIONING' },
  async run({ inputs, ctx }) {
    const { manifest } = inputs.text_encoder;
    const [tokenizer, info] = await Promise.all([tokenizerFor(ctx.runtime, manifest), ctx.runtime.open(manifest, TEXT_ENCODER.file)]);
    const { idsDtype: dtype } = mustFit(info, TEXT_ENCODER);
    const ids = tokenizer.encode(inputs.text);
    const data = dtype === 'int64' ? BigInt64Array.from(ids, (v) => BigInt(v)) : Int32Array.from(ids);
    const out = await ctx.runtime.run(info, { input_ids: { dtype, dims: [1, ids.length], data } }, ctx.signal);
    return { conditioning: { kind: 'conditioning', tensor: asFloat(out.last_hidden_state, 'float32'), text: inputs.text } };
  },
});
