import { openFor } from '../../src/models/contracts/contract.ts';
import { IMAGE_MODEL } from '../../src/models/contracts/imageModel.ts';
import { defineNode, stack } from '../../src/kernel/define.ts';
import { fromNCHW, withNCHW } from '../../src/image/convert.ts';

export default defineNode({
  type: 'image.apply_model', version: 1, title: 'Apply Image Model', category: 'Image',
  aliases: ['run model', 'onnx'],
  description: 'Runs an image-to-image ONNX model ([1,3,H,W] -> [1,3,H\',W\']) on each image of a batch.',
  inputs: { image: 'IMAGE', model: 'MODEL' },
  params: {},
  outputs: { image: 'IMAGE' },
  async run({ inputs, ctx }) {
    const { manifest } = inputs.model;
    const { info, facts: { input, output } } = await openFor(ctx.runtime, manifest, IMAGE_MODEL);
    const range = manifest.upscaler?.range ?? [0, 1];
    const items = [];
    for (let i = 0; i < inputs.image.batch; i++) {
      ctx.signal.throwIfAborted();
      const result = await withNCHW(inputs.image, i, range, (t) => ctx.runtime.run(info, { [input]: t }, ctx.signal));
      items.push(fromNCHW(result[output], range, true));
      ctx.progress(i + 1, inputs.image.batch);
    }
    return { image: stack(items) };
  },
});
