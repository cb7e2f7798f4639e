// Every model kind the app knows, in the order recognition tries them. A new kind is one contract file
// and one line here; recognition and the nodes that open it use the same declaration. The preview decoder
// (previewDecoder.ts) is not listed: its signature is a VAE decoder's, and a lone one is a preview decoder.
import type { Contract } from './contract.ts';
import { GAN } from './gan.ts';
import { IMAGE_MODEL } from './imageModel.ts';
import { TEXT_ENCODER } from './textEncoder.ts';
import { UNET } from './unet.ts';
import { VAE_DECODER } from './vaeDecoder.ts';
import { VAE_ENCODER } from './vaeEncoder.ts';

export const CONTRACTS: readonly Contract[] = [TEXT_ENCODER, UNET, VAE_DECODER, VAE_ENCODER, IMAGE_MODEL, GAN];
