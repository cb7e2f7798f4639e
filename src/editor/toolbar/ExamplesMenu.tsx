// The Examples menu: each ready-made graph with its title and a line on what it shows.
import { useEffect, useRef, useState } from 'react';
import { menuExamples, withoutViewport } from '../files/examples.ts';
import { openGraph } from '../files/graphFile.ts';

export function ExamplesMenu() {
  const [open, setOpen] = useState(false);
  const root = useRef<HTMLDivElement>(null);
  const button = useRef<HTMLButtonElement>(null);
  const examples = menuExamples();
  useEffect(() => {
    if (!open) return;
    const away = (e: MouseEvent) => { if (!root.current?.contains(e.target as Node)) setOpen(false); };
    document.addEventListener('mousedown', away);
    root.current?.querySelector<HTMLElement>('[role=menuitem]')?.focus();
    return () => document.removeEventListener('mousedown', away);
  }, [open]);
  const close = () => { setOpen(false); button.current?.focus(); };
  const onKey = (e: React.KeyboardEvent) => {
    const items = [...(root.current?.querySelectorAll<HTMLElement>('[role=menuitem]') ?? [])];
    const at = items.indexOf(document.activeElement as HTMLElement);
    if (e.key === 'Escape') { e.preventDefault(); e.stopPropagation(); close(); }
    else if (e.key === 'ArrowDown') { e.preventDefault(); items[(at + 1) % items.length]?.focus(); }
    else if (e.key === 'ArrowUp') { e.preventDefault(); items[(at - 1 + items.length) % items.length]?.focus(); }
  };
  return (
    <div className="menu" ref={root} onKeyDown={onKey}>
      <button type="button" ref={button} data-testid="examples" aria-haspopup="menu" aria-expanded={open} onClick={() => setOpen(!open)}>Examples ▾</button>
      {open && (
        <ul className="menu-list" role="menu" aria-label="Examples" data-testid="examples-menu">
          {examples.map((ex) => (
            <li key={ex.name} role="none">
              <button type="button" role="menuitem" data-testid="example-item" data-name={ex.name} className={ex.fixture ? 'fixture' : ''}
                onClick={() => { setOpen(false); openGraph(withoutViewport(ex.doc), `example "${ex.title}"`, ex.title); }}>
                <span className="menu-title">{ex.title}</span>
                <span className="menu-desc">{ex.description}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
