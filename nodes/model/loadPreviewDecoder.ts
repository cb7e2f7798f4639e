import { defineNode, model } from '../../src/kernel/define.ts';
import { openPreviewDecoder } from '../../src/models/contracts/previewDecoder.ts';
import { modelIdentity } from './identity.ts';

export default defineNode({
  type: 'model.load_preview_decoder', version: 1, title: 'Load Preview Decoder', category: 'Models',
  aliases: ['taesd', 'tiny vae', 'tiny autoencoder', 'preview vae', 'approx decoder', 'live preview'],
  description: "A preview decoder (TAESD, or another lone VAE decoder) you added in the Models panel. Wire it into Denoise's " +
    'preview_decoder to watch each step decoded while it runs; it also feeds VAE Decode, as a fast decoder.',
  inputs: {},
  params: { model: model({ default: '', modelKind: 'preview-decoder' }) },
  outputs: { vae: 'VAE' },
  identity: ({ model: id }, { runtime }) => modelIdentity(id, runtime),
  async run({ params, ctx }) {
    if (!params.model) throw new Error('choose a preview decoder in the "model" param (add TAESD in the Models panel)');
    const manifest = await ctx.runtime.store.get(params.model);
    await openPreviewDecoder(ctx.runtime, manifest); // checks it now, so a wrong model fails here
    return { vae: { kind: 'model', id: manifest.id, manifest } };
  },
});
