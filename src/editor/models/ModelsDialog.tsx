// The Models panel: the model manager over the engine's stores (bundled models and the user's own in OPFS).
import { useMemo } from 'react';
import { KNOWN_MODELS } from '../../models/known.ts';
import { ModelManager, modelRows } from './ModelManager.tsx';
import { droppedFiles } from './droppedFiles.ts';
import { Modal } from '../panels/Modal.tsx';
import { visibleModels } from '../devSettings.ts';
import { addModelFiles, deleteModel, downloadKnownModel, downloadModel, showModels, useModels } from './modelsStore.ts';

export function ModelsDialog() {
  const open = useModels((s) => s.open);
  const info = useModels((s) => s.info);
  const progress = useModels((s) => s.progress);
  const rows = useMemo(() => (info ? visibleModels(modelRows(info.bundled, info.user)) : []), [info]);
  if (!open) return null;
  return (
    // A file let go beside the drop area must not make the browser open it in place of the app.
    <Modal label="Models" heading testId="models-panel" className="dialog models-dialog" onClose={() => showModels(false)}
      overlayProps={{ onDragOver: (e) => e.preventDefault(), onDrop: (e) => e.preventDefault() }}>
        {!info && <p className="muted">Reading the model stores…</p>}
        <ModelManager
          models={rows} usage={info?.usage} known={KNOWN_MODELS} progress={progress}
          onAddFiles={(files) => addModelFiles(files)} onDownloadUrl={(url) => downloadModel(url)}
          onDownloadKnown={downloadKnownModel} onDelete={deleteModel} readDrop={droppedFiles}
        />
        <button type="button" data-testid="models-close" onClick={() => showModels(false)}>Close</button>
    </Modal>
  );
}
