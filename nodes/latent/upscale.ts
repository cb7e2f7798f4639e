import { INTERPOLATE_MODES, interpolate } from '../../src/diffusion/interpolate.ts';
import { choice, defineNode, float, int } from '../../src/kernel/define.ts';
import { cells, latentOf } from './latentOps.ts';
import { latentSketch } from '../../src/kernel/sketch.ts';

export default defineNode({
  type: 'latent.upscale', version: 1, title: 'Latent Upscale', category: 'Latent',
  description: 'Latents resized by a factor or to a size in pixels, as torch.nn.functional.interpolate (ComfyUI\'s Latent Upscale): ' +
    'for a hires fix, upscale a render, then Denoise it at a strength around 0.5.',
  inputs: { latent: 'LATENT' },
  params: {
    method: choice({ choices: INTERPOLATE_MODES, default: 'nearest-exact' }),
    mode: choice({ choices: ['factor', 'size'] as const, default: 'factor' }),
    factor: float({ default: 2, min: 0.125, max: 8, step: 0.25 }),
    width: int({ default: 1024, min: 8, max: 16384, step: 8, label: 'width (px, mode size)' }),
    height: int({ default: 1024, min: 8, max: 16384, step: 8, label: 'height (px, mode size)' }),
  },
  outputs: { latent: 'LATENT' },
  sketch(params, { latent }) {
    if (!latent) return {};
    const [b, c, h, w] = latent.tensor.dims;
    return { latent: latentSketch([b, c, ...outCells(h, w, params)]) };
  },
  async run({ inputs: { latent }, params }) {
    const [b, c, h, w] = latent.tensor.dims;
    const [oh, ow] = outCells(h, w, params);
    const data = interpolate(latent.tensor.data as Float32Array, [b, c, h, w], oh, ow, params.method);
    return { latent: latentOf([b, c, oh, ow], data) };
  },
});

/** [height, width] in cells: ComfyUI's Latent Upscale By rounds side * factor (Python's round: halves to even). */
function outCells(h: number, w: number, params: { mode: 'factor' | 'size'; factor: number; width: number; height: number }): [number, number] {
  const [oh, ow] = params.mode === 'factor'
    ? [roundHalfEven(h * params.factor), roundHalfEven(w * params.factor)]
    : [cells(params.height, 'height'), cells(params.width, 'width')];
  if (oh < 1 || ow < 1) throw new Error(`a factor of ${params.factor} leaves a ${w}x${h} latent no cells`);
  return [oh, ow];
}

function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
