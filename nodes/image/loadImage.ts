import { decodeImage } from '../../src/image/decode.ts';
import { probeImage } from '../../src/image/probe.ts';
import { imageSketch } from '../../src/kernel/sketch.ts';
import { parseImageRef, readImageRef, refLabel, type ImageRef } from '../../src/image/source.ts';
import { sha256Hex } from '../../src/runtime/sha256.ts';
import { defineNode, text } from '../../src/kernel/define.ts';

export default defineNode({
  type: 'image.load', version: 1, title: 'Load Image', category: 'Image',
  aliases: ['open image', 'input image', 'photo'],
  description: 'A PNG, JPEG or WebP file. Grey stays one channel and alpha stays a fourth.',
  inputs: {},
  params: {
    // A path in the CLI; in the app the picked file as "upload:<sha256>/<name>"; or a data: URL.
    image: text({ default: '', label: 'file', widget: 'image-file' }),
  },
  outputs: { image: 'IMAGE' },
  async identity({ image }) {
    // A path names a file whose content may change between runs: key on the bytes.
    const ref = image ? refOrNull(image) : null;
    if (ref?.kind !== 'path') return '';
    // An unreadable file gets its message from run().
    return readImageRef(ref).then(sha256Hex, () => 'unreadable');
  },
  // The header alone; a file with EXIF data may be turned when decoded, so only the run can tell its size.
  async sketch({ image }) {
    const ref = image ? refOrNull(image) : null;
    if (!ref) return {};
    const header = probeImage(await readImageRef(ref));
    return header.exif ? {} : { image: imageSketch(header.width, header.height, header.channels) };
  },
  async run({ params, ctx }) {
    if (!params.image) throw new Error('param "image": choose an image file');
    let ref: ImageRef;
    let bytes: Uint8Array;
    try {
      ref = parseImageRef(params.image);
      bytes = await readImageRef(ref);
    } catch (e) {
      throw new Error(`param "image": ${(e as Error).message}`);
    }
    return { image: await decodeImage(bytes, `param "image": ${refLabel(ref)}`, ctx.runtime.memoryBudget) };
  },
});

function refOrNull(image: string): ImageRef | null {
  try {
    return parseImageRef(image);
  } catch {
    return null;
  }
}
