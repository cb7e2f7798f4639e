import applyModel from './applyModel.ts';
import blend from './blend.ts';
import composite from './composite.ts';
import crop from './crop.ts';
import gradient from './gradient.ts';
import grid from './grid.ts';
import loadImage from './loadImage.ts';
import output from './output.ts';
import pad from './pad.ts';
import resize from './resize.ts';
import save from './save.ts';
import upscale from './upscale.ts';

export default [loadImage, gradient, resize, crop, pad, composite, blend, upscale, grid, output, save, applyModel];
