// The picture a mask is painted over: what the painting node's IMAGE input carries. A Load Image's
// picture is read at once from its file (no run needed); any other node's image once it has been computed.
import { useEffect, useState } from 'react';
import type { GraphDoc, PortRef } from '../../graph/index.ts';
import { decodeImage } from '../../image/decode.ts';
import { parseImageRef, readImageRef } from '../../image/source.ts';
import { isImage, type ImageValue } from '../../image/value.ts';
import { registry } from '../catalog.ts';
import { nodeOutputs } from '../engine/session.ts';
import { useStore } from '../store/createStore.ts';
import { useDoc } from '../store/graph.ts';
import { ownsResult, runStore } from '../store/run.ts';

export type Backdrop =
  | { state: 'ready'; image: ImageValue }
  | { state: 'loading' }
  /** Nothing to show yet: `message` says why, and `runTo` names the node to run to make the picture. */
  | { state: 'missing'; message: string; runTo?: string };

/** Where the node's first IMAGE input comes from, seen through reroute dots. */
export function imageSource(doc: GraphDoc, nodeId: string): PortRef | undefined {
  const node = doc.nodes.find((n) => n.id === nodeId);
  const def = node && registry.get(node.type);
  const port = def && Object.entries(def.inputs).find(([, spec]) => spec.type === 'IMAGE')?.[0];
  if (!port) return undefined;
  let from = doc.edges.find((e) => e.to.node === nodeId && e.to.port === port)?.from;
  for (let hops = 0; from && hops < doc.nodes.length; hops++) {
    const at = from.node;
    if (doc.nodes.find((n) => n.id === at)?.type !== 'core.reroute') break;
    from = doc.edges.find((e) => e.to.node === at && e.to.port === 'in')?.from;
  }
  return from;
}

export function useBackdrop(nodeId: string): Backdrop {
  const key = useDoc((d) => {
    const from = imageSource(d, nodeId);
    const src = from && d.nodes.find((n) => n.id === from.node);
    // A Load Image is keyed by its file, anything else by the port its image comes out of.
    return src ? JSON.stringify([src.id, src.type, from.port, src.type === 'image.load' ? src.params.image : null]) : '';
  });
  const [id, type, port, file] = key ? (JSON.parse(key) as [string, string, string, unknown]) : [];
  const owned = useStore(runStore, (s) => (id && type ? ownsResult(s, id, type) : false));
  const runs = useStore(runStore, (s) => s.finishedRuns);
  const [shown, setShown] = useState<Backdrop>({ state: 'loading' });
  useEffect(() => {
    if (!id || !type || !port) {
      setShown({ state: 'missing', message: 'Wire an image into this node to paint over it.' });
      return;
    }
    let live = true;
    const settle = (b: Backdrop) => { if (live) setShown(b); };
    const title = registry.get(type)?.title ?? type;
    if (type === 'image.load') {
      if (typeof file !== 'string' || !file) { settle({ state: 'missing', message: `Choose a picture in the ${title} node to paint over it.` }); return; }
      settle({ state: 'loading' });
      readImageRef(parseImageRef(file))
        .then((bytes) => decodeImage(bytes, 'the picture'))
        .then((image) => settle({ state: 'ready', image }), (e: Error) => settle({ state: 'missing', message: e.message }));
    } else if (owned) {
      settle({ state: 'loading' });
      nodeOutputs(id).then((o) => {
        const v = o?.[port];
        settle(isImage(v) ? { state: 'ready', image: v } : { state: 'missing', message: `Run the graph to see the picture from ${title}.`, runTo: id });
      }, (e: Error) => settle({ state: 'missing', message: e.message, runTo: id }));
    } else {
      settle({ state: 'missing', message: `The picture comes from ${title}: run it to paint over it.`, runTo: id });
    }
    return () => { live = false; };
    // A Load Image's picture is its file's: runs do not change it.
  }, [id, type, port, file, owned, type === 'image.load' ? 0 : runs]);
  return shown;
}
