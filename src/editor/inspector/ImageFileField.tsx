// Load Image's file param: pick an image, stored as an upload (Cache Storage, shared with the worker);
// the param holds its reference, so the graph stays plain JSON.
import { useEffect, useRef, useState } from 'react';
import type { ParamSpec } from '../../graph/catalog.ts';
import { parseImageRef, putUpload, readImageRef } from '../../image/source.ts';
import { setParam } from '../edit/ops.ts';
import { endGesture } from '../store/graph.ts';

export const isImageFileParam = (spec: ParamSpec): boolean => spec.kind === 'string' && spec.widget === 'image-file';

interface Props { nodeId: string; name: string; label: string; value: unknown; compact?: boolean }

export function ImageFileField({ nodeId, name, label, value, compact }: Props) {
  const input = useRef<HTMLInputElement>(null);
  const [error, setError] = useState<string | null>(null);
  const pick = async (file: File) => {
    setError(null);
    try {
      setParam(nodeId, name, await putUpload(new Uint8Array(await file.arrayBuffer()), file.name));
      endGesture();
    } catch (e) {
      setError(`${file.name} could not be kept: ${(e as Error).message}`);
    }
  };
  const text = typeof value === 'string' ? value : '';
  const preview = usePreview(text);
  return (
    <div className={`param ${compact ? 'compact' : ''}`}>
      <span className="param-name">{label}</span>
      <span className="file-row">
        <button type="button" className="nodrag" data-testid={`pick-${name}`} onClick={() => input.current?.click()}>Choose image…</button>
        <span className="file-name" data-testid={`file-name-${name}`} title={text}>{fileLabel(text)}</span>
      </span>
      <input ref={input} type="file" hidden accept="image/png,image/jpeg,image/webp" data-testid={`file-input-${name}`}
        onChange={(e) => { const f = e.target.files?.[0]; e.target.value = ''; if (f) void pick(f); }} />
      {error && <span className="param-error" role="alert">{error}</span>}
      {preview && <img className="file-preview" src={preview} alt={`chosen image ${fileLabel(text)}`} data-testid={`file-preview-${name}`} />}
    </div>
  );
}

/** The chosen picture, shown at once (before any run), from the stored upload or the data URL. */
function usePreview(value: string): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    setUrl(null);
    if (!value) return;
    let live = true;
    let made: string | null = null;
    (async () => {
      const ref = parseImageRef(value);
      if (ref.kind === 'path') return;
      const bytes = await readImageRef(ref);
      if (!live) return;
      made = URL.createObjectURL(new Blob([bytes as Uint8Array<ArrayBuffer>]));
      setUrl(made);
    })().catch(() => { /* not stored here any more: the run says so */ });
    return () => { live = false; if (made) URL.revokeObjectURL(made); };
  }, [value]);
  return url;
}

function fileLabel(value: string): string {
  if (!value) return 'no file';
  try {
    const ref = parseImageRef(value);
    const named = ref.kind === 'data' ? /;name=([^;,]*)/.exec(value.slice(0, value.indexOf(','))) : null;
    return ref.kind === 'upload' ? ref.name : named ? `${decodeURIComponent(named[1])} (in the file)` : ref.kind === 'data' ? `data URL (${ref.mime || 'no type'})` : ref.path;
  } catch {
    return value;
  }
}
