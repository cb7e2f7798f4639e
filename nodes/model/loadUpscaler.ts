import { defineNode, model } from '../../src/kernel/define.ts';
import { openUpscaler } from '../../src/models/contracts/imageModel.ts';
import { modelIdentity } from './identity.ts';

export default defineNode({
  type: 'model.load_upscaler', version: 1, title: 'Load Upscaler', category: 'Models',
  aliases: ['upscale model loader', 'load upscale model', 'esrgan model'],
  description: 'A super-resolution ONNX model ([1,3,H,W] -> [1,3,sH,sW], e.g. Real-ESRGAN), bundled or your own.',
  inputs: {},
  params: { model: model({ default: '', modelKind: 'upscaler' }) },
  outputs: { upscaler: 'UPSCALER' },
  identity: ({ model: id }, { runtime }) => modelIdentity(id, runtime),
  // The stored manifest, its session not opened: Upscale weighs its output when the manifest states the scale.
  sketch: async ({ model: id }, _inputs, { runtime }) => (id ? { upscaler: { kind: 'model', id, manifest: await runtime.store.get(id) } } : {}),
  async run({ params, ctx }) {
    if (!params.model) throw new Error('choose a model in the "model" param');
    const manifest = await ctx.runtime.store.get(params.model);
    // Checks the signature now, so a wrong model fails here rather than at the upscale node.
    const { scale, range } = await openUpscaler(ctx.runtime, manifest, ctx.signal);
    return { upscaler: { kind: 'model', id: manifest.id, manifest: { ...manifest, upscaler: { scale, range: [range[0], range[1]] } } } };
  },
});
