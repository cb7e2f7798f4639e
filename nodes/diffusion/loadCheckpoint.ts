import { defineNode, model } from '../../src/kernel/define.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';
import { modelIdentity } from '../model/identity.ts';

export default defineNode({
  type: 'diffusion.load_checkpoint', version: 1, title: 'Load Stable Diffusion', category: 'Diffusion',
  aliases: ['checkpoint', 'load checkpoint', 'checkpoint loader', 'ckpt', 'stable diffusion', 'sd model'],
  description: 'A Stable Diffusion ONNX model folder: its text encoder, UNet and VAE decoder.',
  inputs: {},
  params: { model: model({ default: '', modelKind: 'stable-diffusion' }) },
  outputs: { text_encoder: 'TEXT_ENCODER', unet: 'UNET', vae: 'VAE' },
  identity: ({ model: id }, { runtime }) => modelIdentity(id, runtime),
  run: ({ params, ctx }) => load(params.model, ctx.runtime),
  sketch: (params, _inputs, { runtime }) => load(params.model, runtime), // a manifest read: no session yet
});

async function load(id: string, runtime: Runtime) {
  if (!id) throw new Error('choose a model in the "model" param');
  const manifest = await runtime.store.get(id);
  if (manifest.kind !== 'stable-diffusion') throw new Error(`model "${manifest.id}" is a ${manifest.kind} model, not Stable Diffusion`);
  const handle = { kind: 'model' as const, id: manifest.id, manifest };
  return { text_encoder: handle, unet: handle, vae: handle };
}
