// The session's results, newest first. Each keeps the graph that made it, for PNG export and to reopen.
import { useState } from 'react';
import { exportPng, openGraph } from '../files/graphFile.ts';
import { useStore } from '../store/createStore.ts';
import { runStore, type GalleryItem } from '../store/run.ts';
import { ImageBatch, ImageCanvas } from './ImageCanvas.tsx';
import { downloadSaved, isSaveImage } from './SaveImage.tsx';
import { Modal } from '../panels/Modal.tsx';
import { setCollapsed, useUi } from '../store/ui.ts';

const pngName = (item: GalleryItem) => `latent-loom-${item.run}-${item.nodeId}.png`;

export function Gallery() {
  const items = useStore(runStore, (s) => s.gallery);
  const [viewing, setViewing] = useState<GalleryItem | null>(null);
  const folded = useUi((s) => s.collapsed.gallery);
  if (folded) {
    return (
      <footer className="gallery folded" data-testid="gallery" data-collapsed="true">
        <button type="button" className="fold" data-testid="gallery-toggle" aria-expanded={false} title="Show the gallery" onClick={() => setCollapsed('gallery', false)}>▴ Gallery ({items.length})</button>
      </footer>
    );
  }
  return (
    <footer className="gallery" data-testid="gallery" data-collapsed="false">
      <button type="button" className="fold" data-testid="gallery-toggle" aria-expanded title="Hide the gallery" onClick={() => setCollapsed('gallery', true)}>▾</button>
      {items.length === 0 && <span className="muted">Results of this session appear here.</span>}
      {items.map((item) => (
        <figure key={item.key} data-testid="gallery-item" data-node-id={item.nodeId}>
          <ImageCanvas image={item.image} onClick={() => setViewing(item)} testId="gallery-image" />
          <figcaption>
            {item.nodeId} · run {item.run}
            <button type="button" data-testid="gallery-export" title="Save PNG with its graph"
              onClick={() => void exportPng(item.image, item.doc, pngName(item), 0, item.nodeId)}>PNG</button>
            {isSaveImage(item.doc, item.nodeId) && (
              <button type="button" data-testid="gallery-save" title="Download as the Save Image node names it"
                onClick={() => void downloadSaved(item.nodeId, item.image, item.doc)}>Save</button>
            )}
          </figcaption>
        </figure>
      ))}
      {viewing && <Viewer item={viewing} close={() => setViewing(null)} />}
    </footer>
  );
}

function Viewer({ item, close }: { item: GalleryItem; close: () => void }) {
  return (
    <Modal label="Result" testId="gallery-viewer" className="dialog viewer" onClose={close}>
        <ImageBatch image={item.image} testId="viewer-image" />
        <p className="muted">{item.nodeId} · run {item.run} · {item.image.width}×{item.image.height}{item.image.batch > 1 ? ` ×${item.image.batch}` : ''}</p>
        <div className="row">
          <button type="button" data-testid="viewer-export" onClick={() => void exportPng(item.image, item.doc, pngName(item), 0, item.nodeId)}>Save PNG with graph</button>
          <button type="button" data-testid="viewer-open-graph" onClick={() => { close(); openGraph(item.doc, `the graph of run ${item.run}`); }}>Open the graph that made it</button>
          <button type="button" data-testid="viewer-close" autoFocus onClick={close}>Close</button>
        </div>
    </Modal>
  );
}
