import { defineNode, model } from '../api.ts';

export default defineNode({
  type: 'model.load', version: 1, title: 'Load Model', category: 'Models',
  description: 'A stored ONNX model (bundled, or one you added), by id.',
  inputs: {},
  params: { model: model({ default: '', modelKind: 'any' }) },
  outputs: { model: 'MODEL' },
  async identity({ model: id }, { runtime }) {
    const manifest = await runtime.store.get(id);
    return manifest.files.map((f) => f.sha256).join(',');
  },
  async run({ params, ctx }) {
    if (!params.model) throw new Error('choose a model in the "model" param');
    const manifest = await ctx.runtime.store.get(params.model);
    return { model: { kind: 'model', id: manifest.id, manifest } };
  },
});
