// Save asks for a name: the open graph's name (its file's, or the example's title) to start with.
import { useState } from 'react';
import { currentViewport } from '../canvas/viewport.ts';
import { Modal } from '../panels/Modal.tsx';
import { patchUi, useUi } from '../store/ui.ts';
import { jsonFileName, saveGraph } from './graphFile.ts';

export function SaveDialog() {
  const open = useUi((s) => s.saving);
  const docName = useUi((s) => s.docName);
  return open ? <SaveForm initial={docName || 'graph'} /> : null;
}

function SaveForm({ initial }: { initial: string }) {
  const [name, setName] = useState(initial);
  const close = () => patchUi({ saving: false });
  const save = () => {
    const chosen = name.trim() || 'graph';
    close();
    patchUi({ docName: chosen });
    void saveGraph(currentViewport(), chosen);
  };
  return (
    <Modal label="Save the graph" testId="save-dialog" onClose={close}>
      <form onSubmit={(e) => { e.preventDefault(); save(); }}>
        <h2>Save the graph</h2>
        <label className="param">
          <span className="param-name">File name</span>
          <input type="text" data-testid="save-name" value={name} autoFocus onFocus={(e) => e.target.select()} onChange={(e) => setName(e.target.value)} />
        </label>
        <p className="muted">Downloads <code>{jsonFileName(name)}</code>: the graph, the models it uses and where it was looking.</p>
        <div className="row">
          <button type="submit" data-testid="save-confirm">Save</button>
          <button type="button" onClick={close}>Cancel</button>
        </div>
      </form>
    </Modal>
  );
}
