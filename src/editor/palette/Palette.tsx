// The node search, keyboard first: type to filter, arrows to move, Enter to add, Escape to close (the dialog's).
import { useEffect, useMemo, useRef, useState, type KeyboardEvent } from 'react';
import { allPortTypes, categoryColour, registry } from '../catalog.ts';
import { addNode } from '../edit/ops.ts';
import { patchUi, useUi, type PaletteState } from '../store/ui.ts';
import { searchNodes } from './search.ts';
import { Modal } from '../panels/Modal.tsx';

/** The alias the search text found the node by, when its title does not say it. */
function aliasShown(title: string, aliases: readonly string[] | undefined, text: string): string | undefined {
  const q = text.trim().toLowerCase();
  if (!q || title.toLowerCase().includes(q)) return undefined;
  return aliases?.find((a) => a.toLowerCase().includes(q));
}

export function Palette() {
  const palette = useUi((s) => s.palette);
  return palette ? <PaletteDialog palette={palette} /> : null;
}

function PaletteDialog({ palette }: { palette: PaletteState }) {
  const [text, setText] = useState('');
  const [portType, setPortType] = useState('');
  const [active, setActive] = useState(0);
  const input = useRef<HTMLInputElement>(null);
  const types = useMemo(allPortTypes, []);
  const found = useMemo(() => searchNodes(registry.all(), { text, portType, pending: palette.pending }), [text, portType, palette.pending]);
  useEffect(() => input.current?.focus(), []);
  useEffect(() => setActive(0), [text, portType]);

  const close = () => patchUi({ palette: null });
  const pick = (type: string) => {
    close();
    addNode(type, palette.at, palette.pending);
  };
  const onKey = (e: KeyboardEvent) => {
    if (e.key === 'ArrowDown') { e.preventDefault(); setActive((i) => Math.min(i + 1, found.length - 1)); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); setActive((i) => Math.max(i - 1, 0)); }
    else if (e.key === 'Enter' && found[active]) { e.preventDefault(); pick(found[active].type); }
  };

  return (
    <Modal label="Add node" testId="palette" className="palette" onClose={close}>
      <div onKeyDown={onKey} className="palette-body">
        <div className="palette-bar">
          <input ref={input} data-testid="palette-search" placeholder="Search nodes by name, category or type…" value={text} onChange={(e) => setText(e.target.value)} />
          <select data-testid="palette-port-type" value={portType} onChange={(e) => setPortType(e.target.value)} aria-label="port type">
            <option value="">any port</option>
            {types.map((t) => <option key={t} value={t}>{t}</option>)}
          </select>
        </div>
        {palette.pending && <div className="palette-hint">connects to {palette.pending.type} {palette.pending.side === 'source' ? 'output' : 'input'} “{palette.pending.port}”</div>}
        <ul role="listbox" data-testid="palette-results">
          {found.map((d, i) => (
            <li key={d.type} role="option" aria-selected={i === active} data-testid="palette-item" data-type={d.type}
              className={i === active ? 'active' : ''} onMouseEnter={() => setActive(i)} onClick={() => pick(d.type)}>
              <span className="swatch" style={{ background: categoryColour(d.category) }} />
              <span className="palette-title">{d.title}{aliasShown(d.title, d.aliases, text) && <span className="palette-alias" data-testid="palette-alias"> · {aliasShown(d.title, d.aliases, text)}</span>}</span>
              <span className="palette-category">{d.category}</span>
              <span className="palette-desc">{d.description}</span>
            </li>
          ))}
          {found.length === 0 && <li className="empty">no node matches</li>}
        </ul>
      </div>
    </Modal>
  );
}
