// The runs waiting their turn, first to run on top: move one earlier or later, remove it, or clear all.
import { useEffect, useRef } from 'react';
import { clearQueue, moveQueued, removeQueued, useQueue } from '../store/queue.ts';

export function QueuePanel({ close }: { close: () => void }) {
  const queue = useQueue((q) => q);
  const root = useRef<HTMLDivElement>(null);
  useEffect(() => {
    const away = (e: MouseEvent) => { if (!root.current?.parentElement?.contains(e.target as Node)) close(); };
    document.addEventListener('mousedown', away);
    return () => document.removeEventListener('mousedown', away);
  }, [close]);
  return (
    <div className="menu-list queue-panel" ref={root} data-testid="queue-panel" role="region" aria-label="Queued runs"
      onKeyDown={(e) => { if (e.key === 'Escape') { e.stopPropagation(); close(); } }}>
      {queue.length === 0 ? <p className="muted">No runs waiting. Press Run while a run is going to queue one.</p> : (
        <ol>
          {queue.map((r, i) => (
            <li key={r.id} data-testid="queued-run" data-run-id={r.id}>
              <span className="queued-label">{i + 1}. {r.label} · {r.doc.nodes.length} nodes · queued {new Date(r.queuedAt).toLocaleTimeString()}</span>
              <span className="row">
                <button type="button" aria-label="run earlier" data-testid="queued-up" disabled={i === 0} onClick={() => moveQueued(r.id, -1)}>▲</button>
                <button type="button" aria-label="run later" data-testid="queued-down" disabled={i === queue.length - 1} onClick={() => moveQueued(r.id, 1)}>▼</button>
                <button type="button" aria-label="remove from the queue" data-testid="queued-remove" onClick={() => removeQueued(r.id)}>✕</button>
              </span>
            </li>
          ))}
        </ol>
      )}
      {queue.length > 0 && <button type="button" data-testid="queue-clear" onClick={clearQueue}>Clear the queue</button>}
    </div>
  );
}
