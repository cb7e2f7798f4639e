// Which ONNX backend runs, the user's choice of it, and whether the page is cross-origin isolated (WASM threads).
import type { WebBackend } from '../../runtime/web.ts';
import { startEngine, useEngine } from '../engine/session.ts';

export function BackendPicker() {
  const choice = useEngine((s) => s.choice);
  const backend = useEngine((s) => s.backend);
  const starting = useEngine((s) => s.starting);
  const error = useEngine((s) => s.error);
  const cache = useEngine((s) => s.cache);
  const warm = useEngine((s) => s.warm);
  return (
    <div className="group backend">
      <label>
        Backend
        <select data-testid="backend-select" value={choice} onChange={(e) => void startEngine(e.target.value as WebBackend)}>
          <option value="auto">auto</option>
          <option value="webgpu">WebGPU</option>
          <option value="wasm">WASM</option>
        </select>
      </label>
      <span data-testid="backend-name" data-ready={!starting && !error} data-warm={warm}
        title={error || `${crossOriginIsolated ? 'WASM can use several threads' : 'WASM runs on one thread: the page is not cross-origin isolated'}; warm-up of the open graph: ${warm}`}>
        {starting ? 'starting…' : error ? 'failed' : backend}
      </span>
      {cache && <span className="muted" data-testid="cache" title={`Results kept so that unchanged nodes need not run again: ${cache.entries} outputs, ${mb(cache.bytes)} of ${mb(cache.budget)}`}>kept {mb(cache.bytes)}</span>}
      {!crossOriginIsolated && <span className="error" data-testid="isolation" title="WASM threads need cross-origin isolation">one thread</span>}
    </div>
  );
}

const mb = (bytes: number): string => (bytes < 1024 ** 3 ? `${(bytes / 1024 ** 2).toFixed(1)} MB` : `${(bytes / 1024 ** 3).toFixed(1)} GB`);
