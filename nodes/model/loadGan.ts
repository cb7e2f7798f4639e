import { defineNode, model } from '../../src/kernel/define.ts';
import { openGenerator } from '../../src/models/contracts/gan.ts';
import { modelIdentity } from './identity.ts';

export default defineNode({
  type: 'model.load_gan', version: 1, title: 'Load GAN', category: 'Models',
  aliases: ['gan model', 'gan loader'],
  description: 'A GAN generator ONNX model (latent [B, zDim], and optionally a truncation psi [1] -> image [B, 3, H, W]), bundled or your own.',
  inputs: {},
  params: { model: model({ default: '', modelKind: 'gan' }) },
  outputs: { gan: 'GAN' },
  identity: ({ model: id }, { runtime }) => modelIdentity(id, runtime),
  sketch: async ({ model: id }, _inputs, { runtime }) => (id ? { gan: { kind: 'model', id, manifest: await runtime.store.get(id) } } : {}),
  async run({ params, ctx }) {
    if (!params.model) throw new Error('choose a model in the "model" param');
    const manifest = await ctx.runtime.store.get(params.model);
    const { zDim, range } = await openGenerator(ctx.runtime, manifest);
    // The manifest's other GAN facts (its truncation input, the psi it suggests) pass through.
    return { gan: { kind: 'model', id: manifest.id, manifest: { ...manifest, gan: { ...manifest.gan, zDim, range: [range[0], range[1]] } } } };
  },
});
