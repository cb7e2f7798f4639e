import note from './note.ts';
import prompt from './prompt.ts';

export default [prompt, note];
