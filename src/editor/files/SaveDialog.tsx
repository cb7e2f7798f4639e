// Save asks for a name: the open graph's name (its file's, or the example's title) to start with.
import { useEffect, useState } from 'react';
import { formatBytes } from '../../runtime/format.ts';
import { getDoc } from '../store/graph.ts';
import { inputImages, SMALL_IMAGE_BYTES, type InputImage } from './embed.ts';
import { currentViewport } from '../canvas/viewport.ts';
import { Modal, ModalDescription } from '../panels/Modal.tsx';
import { patchUi, useUi } from '../store/ui.ts';
import { jsonFileName, saveGraph } from './graphFile.ts';

export function SaveDialog() {
  const open = useUi((s) => s.saving);
  const docName = useUi((s) => s.docName);
  return open ? <SaveForm initial={docName || 'graph'} /> : null;
}

function SaveForm({ initial }: { initial: string }) {
  const [name, setName] = useState(initial);
  const [images, setImages] = useState<InputImage[]>([]);
  const [embed, setEmbed] = useState(true);
  const [large, setLarge] = useState(false);
  useEffect(() => { let live = true; void inputImages(getDoc()).then((list) => live && setImages(list)); return () => { live = false; }; }, []);
  const small = images.filter((i) => i.bytes <= SMALL_IMAGE_BYTES);
  const big = images.filter((i) => i.bytes > SMALL_IMAGE_BYTES);
  const close = () => patchUi({ saving: false });
  const save = () => {
    const chosen = name.trim() || 'graph';
    close();
    patchUi({ docName: chosen });
    void saveGraph(currentViewport(), chosen, embed ? (large ? Infinity : SMALL_IMAGE_BYTES) : 0);
  };
  return (
    <Modal label="Save the graph" heading testId="save-dialog" onClose={close}>
      <form onSubmit={(e) => { e.preventDefault(); save(); }}>
        <label className="param">
          <span className="param-name">File name</span>
          <input type="text" data-testid="save-name" value={name} autoFocus onFocus={(e) => e.target.select()} onChange={(e) => setName(e.target.value)} />
        </label>
        <ModalDescription className="muted">Downloads <code>{jsonFileName(name)}</code>: the graph, the models it uses and where it was looking.</ModalDescription>
        {images.length > 0 && (
          <fieldset className="embed" data-testid="save-embed">
            <label>
              <input type="checkbox" data-testid="save-embed-images" checked={embed} onChange={(e) => setEmbed(e.target.checked)} />
              {' '}Put the input images in the file, so it runs in another browser ({small.length} of {images.length}, {formatBytes(small.reduce((a, i) => a + i.bytes, 0))})
            </label>
            {big.length > 0 && (
              <label>
                <input type="checkbox" data-testid="save-embed-large" checked={large} disabled={!embed} onChange={(e) => setLarge(e.target.checked)} />
                {' '}also the large ones: {big.map((i) => `${i.name} (${formatBytes(i.bytes)})`).join(', ')}
              </label>
            )}
          </fieldset>
        )}
        <div className="row">
          <button type="submit" data-testid="save-confirm">Save</button>
          <button type="button" onClick={close}>Cancel</button>
        </div>
      </form>
    </Modal>
  );
}
