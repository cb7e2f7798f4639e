import { SHORTCUTS } from '../edit/shortcuts.ts';
import { patchUi, useUi } from '../store/ui.ts';
import { Modal } from './Modal.tsx';

export function HelpPanel() {
  const open = useUi((s) => s.help);
  if (!open) return null;
  return (
    <Modal label="Keyboard shortcuts" heading testId="help-panel" onClose={() => patchUi({ help: false })}>
        <table>
          <tbody>
            {SHORTCUTS.map((s) => <tr key={s.keys}><td><kbd>{s.keys}</kbd></td><td>{s.what}</td></tr>)}
          </tbody>
        </table>
        <p className="muted">Right-click the canvas, a node, a wire or a group for what you can do there (add here, duplicate, bypass, disconnect, group, add a reroute dot). A wire dropped on an input that has one replaces it. Run while a run is going queues another; ×N beside Run queues N. Drop a wire on empty canvas to add a node that takes it. Drop a .json graph or an exported PNG on the canvas to open it; drop any other image (PNG, JPEG, WebP) to load it. Models: the Models button.</p>
        <button type="button" onClick={() => patchUi({ help: false })}>Close</button>
    </Modal>
  );
}
