import blend from './blend.ts';
import composite from './composite.ts';
import crop from './crop.ts';
import upscale from './upscale.ts';

export default [upscale, crop, composite, blend];
