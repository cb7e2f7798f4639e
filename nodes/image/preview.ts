import { defineNode } from '../api.ts';

export default defineNode({
  type: 'image.preview', version: 1, title: 'Preview Image', category: 'Image', output: true,
  description: 'Shows an image on the canvas without saving it.',
  inputs: { image: 'IMAGE' },
  params: {},
  outputs: { image: 'IMAGE' },
  async run({ inputs }) {
    return { image: inputs.image };
  },
});
