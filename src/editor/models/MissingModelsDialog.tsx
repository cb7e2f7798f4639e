// The models an opened graph needs and this browser lacks: where each comes from and how big it is.
// Nothing downloads until the user asks.
import type { ChangeEvent } from 'react';
import { useAction } from '../useAction.ts';
import type { MissingModel } from '../../models/graphModels.ts';
import { formatBytes } from '../../runtime/format.ts';
import { Modal } from '../panels/Modal.tsx';
import { addModelFiles, dismissMissing, downloadModel, useModels } from './modelsStore.ts';

export function MissingModelsDialog() {
  const missing = useModels((s) => s.missing);
  const { busy, message, setMessage, act: run } = useAction();
  if (missing.length === 0) return null;
  const act = (action: () => Promise<string>) => run('', action);
  return (
    <Modal label="This graph needs models that are not here" heading testId="missing-models" backdropCloses={false} onClose={() => { setMessage(null); dismissMissing(); }}>
        <ul>
          {missing.map((m) => <Row key={m.id} model={m} busy={busy} act={act} />)}
        </ul>
        {message && <p className={message.error ? 'error' : 'muted'} role={message.error ? 'alert' : 'status'} data-testid="missing-message">{message.text}</p>}
        <button type="button" data-testid="missing-close" onClick={() => { setMessage(null); dismissMissing(); }}>Close</button>
    </Modal>
  );
}

function Row({ model: m, busy, act }: { model: MissingModel; busy: boolean; act: (a: () => Promise<string>) => Promise<void> }) {
  const progress = useModels((s) => s.progress[m.id]);
  const pick = (e: ChangeEvent<HTMLInputElement>) => {
    const files = [...(e.target.files ?? [])];
    e.target.value = '';
    if (files.length) void act(() => addModelFiles(files, m.id));
  };
  return (
    <li data-testid="missing-model" data-model-id={m.id}>
      <strong>{m.id}</strong>
      {m.bytes !== undefined && <span data-testid="missing-size"> · {formatBytes(m.bytes)}</span>}
      {' · '}{m.url ? <a href={m.url} target="_blank" rel="noreferrer" data-testid="missing-url">{m.url}</a> : <span className="muted">no source recorded</span>}
      <div className="muted">{m.problem === 'different' ? 'installed with other content than the graph was made with' : 'not installed'}; used by {m.usedBy.join(', ')}</div>
      <div className="row">
        {m.url && m.problem === 'missing' && (
          <button type="button" data-testid="missing-download" disabled={busy} onClick={() => void act(() => downloadModel(m.url!, m.id, m.bytes))}>Download</button>
        )}
        <label className="button">Pick files
          <input type="file" accept=".onnx" multiple hidden disabled={busy} data-testid="missing-pick" onChange={pick} />
        </label>
        <label className="button">Pick a folder
          <input type="file" hidden disabled={busy} {...{ webkitdirectory: '' }} onChange={pick} />
        </label>
        {progress && <progress data-testid="missing-progress" value={progress.received} max={progress.total ?? undefined} />}
      </div>
    </li>
  );
}
