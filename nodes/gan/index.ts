import generate from './generate.ts';
import loadGan from './loadGan.ts';

export default [loadGan, generate];
