// Values as a node's sketch gives them before a run (NodeDefinition.sketch): true shapes and model
// handles, no data. Only memory estimates read them; they never reach a kernel.
import type { ImageValue } from '../image/value.ts';
import type { MaskValue } from '../image/mask.ts';
import type { LatentValue } from './values.ts';

const NO_DATA = new Float32Array(0);

export function imageSketch(width: number, height: number, channels: ImageValue['channels'], batch = 1): ImageValue {
  return { kind: 'image', batch, width, height, channels, data: NO_DATA };
}

export function maskSketch(width: number, height: number, batch = 1): MaskValue {
  return { kind: 'mask', batch, width, height, data: NO_DATA };
}

export function latentSketch(dims: number[]): LatentValue {
  return { kind: 'latent', tensor: { dtype: 'float32', dims, data: NO_DATA } };
}
