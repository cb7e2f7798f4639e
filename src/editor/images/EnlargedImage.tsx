// A node's image shown large: click an image on a node (or a batch item) to open it here.
import { patchUi, useUi } from '../store/ui.ts';
import { Modal } from '../panels/Modal.tsx';
import { ImageCanvas } from './ImageCanvas.tsx';

export function EnlargedImage() {
  const shown = useUi((s) => s.enlarged);
  if (!shown) return null;
  const { image, item, title } = shown;
  const close = () => patchUi({ enlarged: null });
  const go = (to: number) => patchUi({ enlarged: { ...shown, item: (to + image.batch) % image.batch } });
  return (
    <Modal label={title} heading testId="enlarged-image" className="dialog viewer" onClose={close}>
      <div className="viewer-main"><ImageCanvas image={image} item={item} testId="enlarged-canvas" /></div>
      <p className="muted">{image.width}×{image.height}{image.batch > 1 ? ` · image ${item + 1} of ${image.batch}` : ''}</p>
      <div className="row">
        {image.batch > 1 && <button type="button" onClick={() => go(item - 1)} aria-label="previous image">◂</button>}
        {image.batch > 1 && <button type="button" onClick={() => go(item + 1)} aria-label="next image">▸</button>}
        <button type="button" data-testid="enlarged-close" autoFocus onClick={close}>Close</button>
      </div>
    </Modal>
  );
}
