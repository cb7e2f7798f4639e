import { defineNode } from '../../src/kernel/define.ts';

export default defineNode({
  type: 'image.output', version: 1, title: 'Image Output', category: 'Image', output: true,
  aliases: ['preview', 'preview image', 'show image', 'view'],
  description: 'Shows an image and keeps it as a result of the run.',
  inputs: { image: 'IMAGE' },
  params: {},
  outputs: { image: 'IMAGE' },
  async run({ inputs }) {
    return { image: inputs.image };
  },
  sketch: (_params, { image }) => (image ? { image } : {}),
});
