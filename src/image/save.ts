// PNG files for the saving nodes of a finished run (those whose type declares `saves`), each with the
// whole graph in a text chunk.
// The executor hands kernels no graph, so the bytes are made here, by whoever holds the document
// and the result (the CLI writes them to disk, the app offers them as downloads).
import type { Catalog } from '../graph/catalog.ts';
import { safeFileName } from '../graph/text.ts';
import type { GraphDoc } from '../graph/types.ts';
import type { ImageValue } from './value.ts';
import { encodePng, GRAPH_CHUNK_KEYWORD } from './png.ts';

export interface SavedImage { nodeId: string; filename: string; bytes: Uint8Array }

/** One PNG per batch item of every saving node that has a result in `results`, named by its file name param. */
export async function savedImages(doc: GraphDoc, results: Record<string, Record<string, unknown>>, catalog: Catalog): Promise<SavedImage[]> {
  const graph = JSON.stringify(doc);
  const out: SavedImage[] = [];
  const taken = new Set<string>();
  for (const node of doc.nodes) {
    const img = results[node.id]?.image as ImageValue | undefined;
    const saves = catalog.get(node.type)?.saves;
    if (!saves || !img) continue;
    const prefix = safeName(String(node.params[saves.filenameParam] ?? '') || 'loom');
    for (let i = 0; i < img.batch; i++) {
      let filename = img.batch === 1 ? `${prefix}.png` : `${prefix}-${i + 1}.png`;
      if (taken.has(filename)) filename = filename.replace(/\.png$/, `-${safeName(node.id)}.png`);
      taken.add(filename);
      out.push({ nodeId: node.id, filename, bytes: await encodePng(img, { [GRAPH_CHUNK_KEYWORD]: graph }, i) });
    }
  }
  return out;
}

function safeName(s: string): string {
  return safeFileName(s, 'loom');
}
