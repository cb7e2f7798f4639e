import generate from './generate.ts';

export default [generate];
