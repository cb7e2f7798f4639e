// The session's results, newest first. Each keeps the graph that made it, for PNG export.
import { exportPng } from '../files/graphFile.ts';
import { useStore } from '../store/createStore.ts';
import { runStore } from '../store/run.ts';
import { select } from '../store/ui.ts';
import { ImageCanvas } from './ImageCanvas.tsx';

export function Gallery() {
  const items = useStore(runStore, (s) => s.gallery);
  return (
    <footer className="gallery" data-testid="gallery">
      {items.length === 0 && <span className="muted">Results of this session appear here.</span>}
      {items.map((item) => (
        <figure key={item.key} data-testid="gallery-item" data-node-id={item.nodeId}>
          <ImageCanvas image={item.image} onClick={() => select([item.nodeId])} testId="gallery-image" />
          <figcaption>
            {item.nodeId} · run {item.runId}
            <button type="button" data-testid="gallery-export" title="Save PNG with its graph"
              onClick={() => void exportPng(item.image, item.doc, `latent-loom-${item.runId}-${item.nodeId}.png`)}>PNG</button>
          </figcaption>
        </figure>
      ))}
    </footer>
  );
}
