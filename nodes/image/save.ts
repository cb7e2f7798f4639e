import { defineNode, text } from '../../src/kernel/define.ts';

export default defineNode({
  type: 'image.save', version: 1, title: 'Save Image', category: 'Image', output: true,
  aliases: ['save', 'export', 'write png', 'download'],
  description: 'Keeps the image as a PNG file with this graph inside; drop the PNG on the canvas to get the graph back.',
  inputs: { image: 'IMAGE' },
  params: { filename: text({ default: 'loom', maxLength: 100, label: 'file name' }) },
  outputs: { image: 'IMAGE' },
  saves: { filenameParam: 'filename' },
  // The PNG bytes are made by savedImages() (src/image/save.ts), which sees the graph; the kernel passes the image on.
  async run({ inputs }) {
    return { image: inputs.image };
  },
});
