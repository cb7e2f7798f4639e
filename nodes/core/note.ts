import { defineNode, text } from '../../src/kernel/define.ts';

/** A comment on the canvas: no ports, never a run target, saved with the graph. */
export default defineNode({
  type: 'core.note', version: 1, title: 'Note', category: 'Notes',
  aliases: ['comment', 'text note', 'markdown'],
  description: 'Text on the canvas for whoever opens the graph next: settings that matter, what to try. It does not run.',
  inputs: {},
  params: { text: text({ default: '', multiline: true, maxLength: 10_000 }) },
  outputs: {},
  async run() {
    return {};
  },
});
