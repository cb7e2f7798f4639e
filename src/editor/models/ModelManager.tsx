// The model manager panel: what is installed, storage in use, and ways to add models (files, a folder,
// a URL, the known list, files dropped on it). Props in, callbacks out; the host owns the stores and the worker.
import { useState, type DragEvent, type FormEvent } from 'react';
import { useAction } from '../useAction.ts';
import type { ModelManifest } from '../../runtime/manifest.ts';
import type { StorageUsage } from '../../runtime/opfsStore.ts';
import type { PickedFile } from '../../models/fileSource.ts';
import type { KnownModel } from '../../models/known.ts';
import { formatBytes } from '../../runtime/format.ts';
import { modelBytes } from '../../runtime/manifest.ts';

export interface ModelRow { id: string; title: string; kind: string; bytes: number; source: string; removable: boolean }

export interface ModelManagerProps {
  models: ModelRow[];
  usage?: StorageUsage | null;
  known?: readonly KnownModel[];
  /** Downloads running, by model id (or by URL while the id is not known yet). */
  progress?: Record<string, { received: number; total: number | null }>;
  /** Actions may resolve to a line saying what they did. */
  onAddFiles(files: PickedFile[]): Promise<unknown>;
  onDownloadUrl(url: string): Promise<unknown>;
  onDownloadKnown(id: string): Promise<unknown>;
  onDelete(id: string): Promise<unknown>;
  /** Reads files dropped on the panel; must take what it needs from the DataTransfer before it returns. */
  readDrop?(data: DataTransfer): Promise<PickedFile[]>;
}

/** Rows for the table: user models (removable) first, then bundled ones. */
export function modelRows(bundled: ModelManifest[], user: ModelManifest[]): ModelRow[] {
  const row = (m: ModelManifest, removable: boolean): ModelRow => ({
    id: m.id, title: m.title, kind: m.kind, bytes: modelBytes(m), source: m.source ?? 'local', removable,
  });
  const userIds = new Set(user.map((m) => m.id));
  return [...user.map((m) => row(m, true)), ...bundled.filter((m) => !userIds.has(m.id)).map((m) => row(m, false))];
}

export function ModelManager(props: ModelManagerProps) {
  const [url, setUrl] = useState('');
  const { busy, message, act } = useAction();
  const [over, setOver] = useState(false);

  const pick = (files: FileList | null) => {
    if (files?.length) void act('Add', () => props.onAddFiles([...files]));
  };
  const submitUrl = (e: FormEvent) => {
    e.preventDefault();
    if (url.trim()) void act('Download', () => props.onDownloadUrl(url.trim()));
  };
  const drop = (e: DragEvent) => {
    setOver(false);
    if (!props.readDrop || busy || e.dataTransfer.files.length === 0) return;
    e.preventDefault();
    const files = props.readDrop(e.dataTransfer);
    void act('Add', async () => props.onAddFiles(await files));
  };
  const dragOver = (e: DragEvent) => {
    if (!props.readDrop || ![...e.dataTransfer.types].includes('Files')) return;
    e.preventDefault();
    setOver(true);
  };
  const installed = new Set(props.models.map((m) => m.id));
  const knownIds = new Set((props.known ?? []).map((k) => k.id));
  const running = Object.entries(props.progress ?? {}).filter(([key]) => !knownIds.has(key));
  const downloadable = (props.known ?? []).filter((k) => !installed.has(k.id) && k.files.some((f) => f.url));

  return (
    <section className={`model-manager ${over ? 'drop-target' : ''}`} data-testid="model-manager"
      onDragOver={dragOver} onDragLeave={() => setOver(false)} onDrop={drop}>
      {props.usage && (
        <p className="muted" data-testid="model-usage">
          Browser storage: {formatBytes(props.usage.usage)} of {formatBytes(props.usage.quota)} in use
        </p>
      )}
      <table>
        <thead><tr><th>Model</th><th>Kind</th><th>Size</th><th>Source</th><th /></tr></thead>
        <tbody>
          {props.models.map((m) => (
            <tr key={m.id} data-testid="model-row" data-model-id={m.id}>
              <td title={m.title}>{m.id}</td>
              <td>{m.kind}</td>
              <td>{formatBytes(m.bytes)}</td>
              <td>{m.source}</td>
              <td>
                {m.removable && (
                  <button type="button" data-testid="model-delete" disabled={busy} onClick={() => void act(`Delete ${m.id}`, () => props.onDelete(m.id))}>Delete</button>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      <div className="model-add">
        <label>Add .onnx files <input type="file" accept=".onnx" multiple disabled={busy} data-testid="model-files-input" onChange={(e) => { pick(e.target.files); e.target.value = ''; }} /></label>
        {/* webkitdirectory is not in React's types; spread it so the folder picker opens. */}
        <label>Add a folder <input type="file" disabled={busy} data-testid="model-folder-input" {...{ webkitdirectory: '' }} onChange={(e) => { pick(e.target.files); e.target.value = ''; }} /></label>
        <form onSubmit={submitUrl}>
          <input type="url" placeholder="https://… model.onnx" data-testid="model-url" value={url} onChange={(e) => setUrl(e.target.value)} />
          <button type="submit" data-testid="model-url-download" disabled={busy || !url.trim()}>Download</button>
        </form>
        <span className="muted">or drop .onnx files or a model folder here</span>
      </div>
      {running.map(([key, p]) => (
        <p key={key} className="model-download">
          {key} <progress data-testid="download-progress" value={p.received} max={p.total ?? undefined} />
          {p.total ? ` ${formatBytes(p.received)} of ${formatBytes(p.total)}` : ` ${formatBytes(p.received)}`}
        </p>
      ))}
      {downloadable.length > 0 && (
        <ul className="model-known">
          {downloadable.map((k) => {
            const p = props.progress?.[k.id];
            const size = k.files.reduce((n, f) => n + (f.bytes ?? f.approxBytes ?? 0), 0);
            return (
              <li key={k.id} data-testid="known-model" data-model-id={k.id}>
                {k.title}{size > 0 && ` (about ${formatBytes(size)})`}{' '}
                {p ? <progress value={p.received} max={p.total ?? undefined} />
                  : <button type="button" disabled={busy} onClick={() => void act(`Download ${k.id}`, () => props.onDownloadKnown(k.id))}>Download</button>}
              </li>
            );
          })}
        </ul>
      )}
      {message && <p className={message.error ? 'error' : 'muted'} role={message.error ? 'alert' : 'status'} data-testid="model-message" data-kind={message.error ? 'error' : 'ok'}>{message.text}</p>}
    </section>
  );
}
