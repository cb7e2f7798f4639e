import prompt from './prompt.ts';

export default [prompt];
