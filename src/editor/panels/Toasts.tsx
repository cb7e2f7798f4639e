// Short messages, stacked one above another (newest at the bottom); a refused wire's reason shows next
// to where the wire was let go.
import { useUi, type Toast } from '../store/ui.ts';

export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  const stacked = toasts.filter((t) => t.x === undefined);
  const atCursor = toasts.filter((t) => t.x !== undefined);
  return (
    <>
      <div className="toasts" data-testid="toasts">
        {stacked.map((t) => <One key={t.id} t={t} />)}
      </div>
      {atCursor.map((t) => <One key={t.id} t={t} />)}
    </>
  );
}

function One({ t }: { t: Toast }) {
  return (
    <div role={t.kind === 'error' ? 'alert' : 'status'} data-testid="toast" data-kind={t.kind}
      className={`toast ${t.kind} ${t.x !== undefined ? 'at-cursor' : ''}`}
      style={t.x !== undefined ? { left: t.x + 12, top: t.y! + 12 } : undefined}>
      {t.text}
    </div>
  );
}
