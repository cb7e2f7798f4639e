// Graph files: JSON save and open, PNG export with the graph in a text chunk, and PNG restore.
// Saved graphs name their models (id, sha256, size, source); opened ones are checked for missing models.
import type { ImageValue } from '../../image/value.ts';
import type { GraphDoc } from '../../graph/index.ts';
import { openLeniently } from './lenient.ts';
import { embedImages } from './embed.ts';
import { encodePng, GRAPH_CHUNK_KEYWORD, readPngText } from '../../image/png.ts';
import { registry } from '../catalog.ts';
import { a1111Parameters, PARAMETERS_KEYWORD } from './parameters.ts';
import { checkMissingModels, withModelRefs } from '../models/modelsStore.ts';
import { getDoc, openDoc } from '../store/graph.ts';
import { patchUi, select, toast } from '../store/ui.ts';

export function serialize(doc: GraphDoc): string {
  return `${JSON.stringify(doc, null, 2)}\n`;
}

/**
 * Opens a document. One whose nodes have bad params or unknown types opens anyway, those nodes marked and
 * the problems listed (see lenient.ts); one that is not a graph is refused with every problem, naming its node.
 */
export function openGraph(input: string | unknown, source: string, name?: string): boolean {
  const result = openLeniently(input, registry);
  if (!result.ok) {
    patchUi({ problems: { title: `${source} could not be opened`, list: result.problems } });
    return false;
  }
  select([]);
  openDoc(result.doc);
  patchUi({ docName: name ?? source });
  if (result.marked.length > 0) {
    const nodes = new Set(result.marked.map((p) => p.node)).size;
    patchUi({ problems: { title: `${source} opened: ${nodes} node${nodes === 1 ? '' : 's'} need${nodes === 1 ? 's' : ''} attention (marked on the canvas; the rest runs)`, list: result.marked } });
  } else toast(`opened ${source}`);
  void checkMissingModels(result.doc);
  return true;
}

export async function openFile(file: File): Promise<boolean> {
  if (file.type === 'image/png' || file.name.toLowerCase().endsWith('.png')) {
    let text: Record<string, string>;
    try {
      text = readPngText(new Uint8Array(await file.arrayBuffer()));
    } catch (e) {
      patchUi({ problems: { title: `${file.name} could not be opened`, list: [{ code: 'bad-png', message: (e as Error).message }] } });
      return false;
    }
    const graph = text[GRAPH_CHUNK_KEYWORD];
    if (graph === undefined) {
      patchUi({ problems: { title: `${file.name} could not be opened`, list: [{ code: 'no-graph', message: `this PNG carries no "${GRAPH_CHUNK_KEYWORD}" text chunk` }] } });
      return false;
    }
    return openGraph(graph, file.name, baseName(file.name));
  }
  return openGraph(await file.text(), file.name, baseName(file.name));
}

export function download(name: string, data: BlobPart, type: string): void {
  const url = URL.createObjectURL(new Blob([data], { type }));
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

const baseName = (file: string): string => file.replace(/\.(json|png)$/i, '');

/** A file name from what the person typed: no folders, no characters file systems refuse; `.json` added. */
export function jsonFileName(name: string): string {
  const clean = name.trim().replace(/\.json$/i, '').replace(/[\\/:*?"<>|\u0000-\u001f]+/g, '-').slice(0, 120).trim();
  return `${clean || 'graph'}.json`;
}

/** Downloads the graph as JSON under the given name, with the view the user had when `viewport` is given. */
export async function saveGraph(viewport?: GraphDoc['viewport'], name = 'graph', embedUpTo = 0): Promise<void> {
  const base = viewport ? { ...getDoc(), viewport } : getDoc();
  const doc = await withModelRefs(embedUpTo > 0 ? (await embedImages(base, embedUpTo)).doc : base);
  download(jsonFileName(name), serialize(doc), 'application/json');
}

/** A PNG with the graph inside, and the prompt and settings in AUTOMATIC1111's `parameters` text for other tools. */
export async function exportPng(image: ImageValue, doc: GraphDoc, name = 'latent-loom.png', item = 0, nodeId?: string): Promise<void> {
  const parameters = a1111Parameters(doc, image, nodeId);
  const text = { [GRAPH_CHUNK_KEYWORD]: JSON.stringify(await withModelRefs(doc)), ...(parameters !== undefined ? { [PARAMETERS_KEYWORD]: parameters } : {}) };
  const bytes = await encodePng(image, text, item);
  download(name, bytes as Uint8Array<ArrayBuffer>, 'image/png');
}
