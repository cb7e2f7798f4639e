// A file dropped on the canvas: a graph (JSON, or a PNG carrying one) opens; any other image becomes a
// Load Image node at the drop point, its bytes kept as an upload the worker can read.
import { GRAPH_CHUNK_KEYWORD, readPngText } from '../../image/png.ts';
import { putUpload } from '../../image/source.ts';
import { addNode } from '../edit/ops.ts';
import { toast } from '../store/ui.ts';
import { openFile } from '../files/graphFile.ts';

const IMAGE_TYPES = ['image/png', 'image/jpeg', 'image/webp'];
const IMAGE_NAMES = /\.(png|jpe?g|webp)$/i;

export async function dropFile(file: File, at: { x: number; y: number }): Promise<void> {
  if (!IMAGE_TYPES.includes(file.type) && !IMAGE_NAMES.test(file.name)) {
    await openFile(file);
    return;
  }
  const bytes = new Uint8Array(await file.arrayBuffer());
  if (graphInside(bytes)) {
    await openFile(file);
    return;
  }
  try {
    const ref = await putUpload(bytes, file.name);
    addNode('image.load', at, undefined, { image: ref });
  } catch (e) {
    toast(`${file.name} could not be kept: ${(e as Error).message}`, 'error');
  }
}

function graphInside(bytes: Uint8Array): boolean {
  try {
    return readPngText(bytes)[GRAPH_CHUNK_KEYWORD] !== undefined;
  } catch {
    return false; // not a PNG (JPEG, WebP) or one whose chunks do not read
  }
}
