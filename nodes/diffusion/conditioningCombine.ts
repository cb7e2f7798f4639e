import { defineNode, float } from '../../src/kernel/define.ts';

export default defineNode({
  type: 'diffusion.conditioning_combine', version: 1, title: 'Conditioning Combine', category: 'Diffusion',
  description: 'The weighted average a x weight + b x (1 - weight) of two conditionings (ComfyUI\'s Conditioning Average): ' +
    "the result has a's tokens; b is cut to them, or padded with zeros.",
  inputs: { a: 'CONDITIONING', b: 'CONDITIONING' },
  params: { weight: float({ default: 0.5, min: 0, max: 1, step: 0.05, label: 'weight of a' }) },
  outputs: { conditioning: 'CONDITIONING' },
  async run({ inputs: { a, b }, params: { weight } }) {
    const [batch, tokens, width] = a.tensor.dims;
    const [bb, bt, bw] = b.tensor.dims;
    if (bw !== width) throw new Error(`a is ${width} wide, b ${bw}: they come from different text encoders`);
    if (bb !== batch) throw new Error(`a has batch ${batch}, b ${bb}`);
    const x = a.tensor.data as Float32Array;
    const y = b.tensor.data as Float32Array;
    const out = new Float32Array(x.length);
    for (let n = 0; n < batch; n++) {
      for (let t = 0; t < tokens; t++) {
        for (let k = 0; k < width; k++) {
          const i = (n * tokens + t) * width + k;
          const other = t < bt ? y[(n * bt + t) * width + k] : 0;
          out[i] = x[i] * weight + other * (1 - weight);
        }
      }
    }
    return { conditioning: { kind: 'conditioning', tensor: { dtype: 'float32', dims: [...a.tensor.dims], data: out }, text: `${a.text} | ${b.text}` } };
  },
});
