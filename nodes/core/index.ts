import note from './note.ts';
import prompt from './prompt.ts';
import reroute from './reroute.ts';

export default [prompt, note, reroute];
