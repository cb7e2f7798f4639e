import { defineNode, text } from '../../src/kernel/define.ts';

export default defineNode({
  type: 'core.prompt', version: 1, title: 'Prompt', category: 'Text',
  aliases: ['text', 'positive prompt', 'negative prompt', 'string'],
  description: 'Text for a text encoder.',
  inputs: {},
  params: { text: text({ default: '', multiline: true, maxLength: 10_000 }) },
  outputs: { text: 'TEXT' },
  async run({ params }) {
    return { text: params.text };
  },
});
