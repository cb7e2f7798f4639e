// Save Image's PNGs as downloads: named by the node's file name param, the graph (with its models) inside.
import type { ImageValue } from '../../image/value.ts';
import type { GraphDoc } from '../../graph/index.ts';
import { savedImages } from '../../image/save.ts';
import { registry } from '../catalog.ts';
import { download } from '../files/graphFile.ts';
import { withModelRefs } from '../models/modelsStore.ts';
import { useStore } from '../store/createStore.ts';
import { runStore, useNodeImage } from '../store/run.ts';
import { toast } from '../store/ui.ts';

export const isSaveImage = (doc: GraphDoc, nodeId: string): boolean =>
  doc.nodes.some((n) => n.id === nodeId && registry.get(n.type)?.saves !== undefined);

export async function downloadSaved(nodeId: string, image: ImageValue, doc: GraphDoc): Promise<void> {
  try {
    const files = await savedImages(await withModelRefs(doc), { [nodeId]: { image } }, registry);
    for (const f of files) download(f.filename, f.bytes as Uint8Array<ArrayBuffer>, 'image/png');
  } catch (e) {
    toast(`the PNG could not be made: ${(e as Error).message}`, 'error');
  }
}

/** On a Save Image node once it has a result. */
export function SaveImageButton({ nodeId }: { nodeId: string }) {
  const image = useNodeImage(nodeId);
  const doc = useStore(runStore, (s) => s.docs[nodeId]);
  if (!image || !doc) return null;
  const node = doc.nodes.find((n) => n.id === nodeId);
  const saves = node && registry.get(node.type)?.saves;
  const name = String((saves && node.params[saves.filenameParam]) || 'loom');
  return (
    <button type="button" className="nodrag save-image" data-testid="save-image-download" title="Download the PNG with this graph inside"
      onClick={() => void downloadSaved(nodeId, image, doc)}>⤓ {name}.png</button>
  );
}
