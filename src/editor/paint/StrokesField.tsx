// A strokes param on the node and in the inspector: how many strokes, the painter to open, and Clear.
import { patchUi } from '../store/ui.ts';
import { clearStrokes, strokesOf } from './strokes.ts';

interface Props { nodeId: string; name: string; label: string; params: Record<string, unknown>; compact?: boolean }

export function StrokesField({ nodeId, name, label, params, compact }: Props) {
  const count = strokesOf(params, name).length;
  const raw = params[name];
  const empty = Array.isArray(raw) && raw.length === 0;
  return (
    <div className={`param ${compact ? 'compact' : ''}`}>
      <span className="param-name">{label}</span>
      <span className="file-row">
        <button type="button" className="nodrag" data-testid={`paint-${name}`} onClick={() => patchUi({ painting: { nodeId, param: name } })}>Paint mask…</button>
        <span className="muted" data-testid={`strokes-count-${name}`} data-count={count}>{count === 0 ? 'empty' : `${count} stroke${count === 1 ? '' : 's'}`}</span>
        {!compact && !empty && <button type="button" data-testid={`clear-${name}`} onClick={() => clearStrokes(nodeId, name)}>Clear</button>}
      </span>
    </div>
  );
}
