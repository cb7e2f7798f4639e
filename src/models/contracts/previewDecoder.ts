// A preview decoder: a VAE decoder that comes on its own (TAESD, or another model's VAE decoder alone),
// to show a Denoise step as a picture while it runs. Its inputs and outputs are a VAE decoder's, so
// recognition by signature alone names it a VAE decoder; coming alone is what makes it a preview decoder
// (importModel). A known export (models/known.json: "taesd-decoder", by its signature and size) gives
// its latent facts: TAESD decodes the UNet's latents as they are, a scaling factor of 1.
import type { ModelManifest } from '../../runtime/manifest.ts';
import type { ModelInfo, Runtime } from '../../runtime/runtime.ts';
import type { KnownMatch } from '../known.ts';
import { openFor, type Contract } from './contract.ts';
import { VAE_DECODER, type VaeDecoderFacts } from './vaeDecoder.ts';

export const PREVIEW_DECODER: Contract<VaeDecoderFacts> = {
  ...VAE_DECODER, title: 'preview decoder', a: 'a preview decoder (a VAE decoder such as TAESD: latent_sample -> sample)',
};

/** SD 1.x's VAE scaling factor: a lone decoder that no known export names is taken to be an SD VAE's. */
const SD_SCALING = 0.18215;

/** The latent facts of a lone VAE decoder: from the known export it matches, else an SD VAE's. */
export function previewLatent(facts: { latentChannels?: number }, match: KnownMatch | null): NonNullable<ModelManifest['latent']> {
  const known = match?.model.kind === 'preview-decoder' ? match.model.latent : undefined;
  return { channels: facts.latentChannels ?? known?.channels ?? 4, downscale: known?.downscale ?? 8, scalingFactor: known?.scalingFactor ?? SD_SCALING };
}

/** Opens a stored preview decoder, checking its signature; refuses a model of another kind, saying which. */
export async function openPreviewDecoder(runtime: Runtime, manifest: ModelManifest): Promise<{ info: ModelInfo; facts: VaeDecoderFacts }> {
  if (manifest.kind !== 'preview-decoder') {
    const kind = { 'stable-diffusion': 'a Stable Diffusion model: wire its VAE from Load Stable Diffusion instead', upscaler: 'an upscaler', gan: 'a GAN' }[manifest.kind as string] ?? `a ${manifest.kind} model`;
    throw new Error(`model "${manifest.id}" is not a preview decoder (it is ${kind}); add a TAESD decoder in the Models panel`);
  }
  return openFor(runtime, manifest, PREVIEW_DECODER);
}
