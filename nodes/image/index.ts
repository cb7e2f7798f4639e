import applyModel from './applyModel.ts';
import gradient from './gradient.ts';
import grid from './grid.ts';
import loadImage from './loadImage.ts';
import output from './output.ts';
import resize from './resize.ts';
import save from './save.ts';
import upscale from './upscale.ts';

export default [loadImage, gradient, resize, upscale, grid, output, save, applyModel];
