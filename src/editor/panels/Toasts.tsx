// Short messages; a refused wire's reason shows next to where the wire was let go.
import { useUi } from '../store/ui.ts';

export function Toasts() {
  const toasts = useUi((s) => s.toasts);
  return (
    <>
      {toasts.map((t) => (
        <div key={t.id} role={t.kind === 'error' ? 'alert' : 'status'} data-testid="toast" data-kind={t.kind}
          className={`toast ${t.kind} ${t.x !== undefined ? 'at-cursor' : ''}`}
          style={t.x !== undefined ? { left: t.x + 12, top: t.y! + 12 } : undefined}>
          {t.text}
        </div>
      ))}
    </>
  );
}
