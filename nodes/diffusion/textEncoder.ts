import { asFloat } from '../../src/runtime/half.ts';
import { mustFit } from '../../src/models/contracts/contract.ts';
import { TEXT_ENCODER } from '../../src/models/contracts/textEncoder.ts';
import { applyEmphasis, parsePromptAttention, promptChunks } from '../../src/diffusion/promptWeights.ts';
import { choice, defineNode } from '../../src/kernel/define.ts';
import type { Tensor } from '../../src/runtime/tensor.ts';
import { tokenizerFor } from './tokenizers.ts';

export default defineNode({
  type: 'diffusion.text_encoder', version: 2, title: 'Text Encoder', category: 'Diffusion',
  aliases: ['clip text encode', 'clip', 'encode prompt', 'conditioning'],
  description: 'CLIP tokenizer and text encoder: text to conditioning. Syntax a1111: (word) x1.1, ((word)), (word:1.3), [word] / 1.1, ' +
    '\\( for a literal bracket, BREAK for a new chunk; prompts past 75 tokens run in chunks of 75, concatenated. Plain: no syntax, cut at 75 tokens.',
  inputs: { text_encoder: 'TEXT_ENCODER', text: 'TEXT' },
  params: { syntax: choice({ choices: ['a1111', 'plain'] as const, default: 'a1111', label: 'prompt syntax' }) },
  outputs: { conditioning: 'CONDITIONING' },
  // The first node of most runs, and a small result: encoded while the editor is idle.
  ahead: true,
  // Version 1 read prompts as plain text: graphs saved then keep that.
  migrate: { 1: (params) => ({ ...params, syntax: 'plain' }) },
  async run({ inputs, params, ctx }) {
    const { manifest } = inputs.text_encoder;
    const [tokenizer, info] = await Promise.all([tokenizerFor(ctx.runtime, manifest), ctx.runtime.open(manifest, TEXT_ENCODER.file)]);
    const { idsDtype: dtype } = mustFit(info, TEXT_ENCODER);
    const encode = async (ids: ArrayLike<number>): Promise<Tensor> => {
      const data = dtype === 'int64' ? BigInt64Array.from(Array.from(ids), (v) => BigInt(v)) : Int32Array.from(ids);
      const out = await ctx.runtime.run(info, { input_ids: { dtype, dims: [1, ids.length], data } }, ctx.signal);
      return asFloat(out.last_hidden_state, 'float32');
    };
    if (params.syntax === 'plain') {
      return { conditioning: { kind: 'conditioning', tensor: await encode(tokenizer.encode(inputs.text)), text: inputs.text } };
    }
    const chunks = promptChunks(parsePromptAttention(inputs.text), (t) => tokenizer.encodeRaw(t),
      { start: tokenizer.startId, end: tokenizer.endId, pad: tokenizer.padId, comma: tokenizer.tokenId(',</w>') }, tokenizer.maxLength - 2);
    const parts: Float32Array[] = [];
    let width = 0;
    for (const chunk of chunks) {
      ctx.signal.throwIfAborted();
      const z = await encode(chunk.tokens);
      width = z.dims[2];
      parts.push(applyEmphasis(z.data as Float32Array, chunk.multipliers, width));
    }
    const tokens = chunks.length * tokenizer.maxLength;
    const data = new Float32Array(tokens * width);
    parts.forEach((p, i) => data.set(p, i * p.length));
    return { conditioning: { kind: 'conditioning', tensor: { dtype: 'float32', dims: [1, tokens, width], data }, text: inputs.text } };
  },
});
