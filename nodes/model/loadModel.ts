import { defineNode, model } from '../../src/kernel/define.ts';
import { modelIdentity } from './identity.ts';

export default defineNode({
  type: 'model.load', version: 1, title: 'Load Model', category: 'Models',
  aliases: ['onnx model', 'model loader'],
  description: 'A stored ONNX model (bundled, or one you added), by id.',
  inputs: {},
  params: { model: model({ default: '', modelKind: 'any' }) },
  outputs: { model: 'MODEL' },
  identity: ({ model: id }, { runtime }) => modelIdentity(id, runtime),
  async run({ params, ctx }) {
    if (!params.model) throw new Error('choose a model in the "model" param');
    const manifest = await ctx.runtime.store.get(params.model);
    return { model: { kind: 'model', id: manifest.id, manifest } };
  },
});
