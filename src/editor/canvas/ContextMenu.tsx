// The right-click menu on the canvas, a node or a wire: add here, paste here, duplicate, bypass,
// disconnect, delete, run to here. On a node of the selection it acts on the whole selection.
import type { KeyboardEvent } from 'react';
import { requestRun } from '../engine/runner.ts';
import { duplicateSelection, paste } from '../edit/clipboard.ts';
import { deleteItems, disconnectNodes, insertReroute, toggleBypass } from '../edit/ops.ts';
import { Modal } from '../panels/Modal.tsx';
import { addGroup, bypassGroup, deleteGroup } from '../edit/groups.ts';
import { getDoc } from '../store/graph.ts';
import { patchUi, select, uiStore, useUi, type MenuTarget } from '../store/ui.ts';

interface Item { label: string; testId: string; run: () => void; disabled?: boolean }

function itemsFor(target: MenuTarget): Item[] {
  if (target.kind === 'pane') {
    return [
      { label: 'Add node here…', testId: 'menu-add', run: () => patchUi({ palette: { at: target.at } }) },
      { label: 'Paste here', testId: 'menu-paste', run: () => paste(undefined, target.at) },
      { label: 'Select all', testId: 'menu-select-all', run: () => select(getDoc().nodes.map((n) => n.id)) },
      { label: 'Add a group here', testId: 'menu-add-group', run: () => addGroup([], target.at) },
    ];
  }
  if (target.kind === 'group') {
    return [
      { label: 'Bypass everything in it (again: turn it back on)', testId: 'menu-group-bypass', run: () => bypassGroup(target.id) },
      { label: 'Remove the group (its nodes stay)', testId: 'menu-group-delete', run: () => deleteGroup(target.id) },
    ];
  }
  if (target.kind === 'edge') {
    return [
      { label: 'Add a reroute dot here', testId: 'menu-reroute', run: () => insertReroute(target.id, target.at) },
      { label: 'Delete wire', testId: 'menu-delete-wire', run: () => deleteItems([], [target.id]) },
    ];
  }
  const selected = uiStore.get().selectedNodes;
  const ids = selected.includes(target.id) ? selected : [target.id];
  const many = ids.length > 1 ? ` (${ids.length} nodes)` : '';
  const bypassed = getDoc().nodes.filter((n) => ids.includes(n.id)).every((n) => n.bypass);
  const wired = getDoc().edges.some((e) => ids.includes(e.from.node) || ids.includes(e.to.node));
  return [
    { label: `Duplicate${many}`, testId: 'menu-duplicate', run: () => { select(ids); duplicateSelection(); } },
    { label: `${bypassed ? 'Turn bypass off' : 'Bypass'}${many}`, testId: 'menu-bypass', run: () => toggleBypass(ids) },
    { label: `Disconnect${many}`, testId: 'menu-disconnect', run: () => disconnectNodes(ids), disabled: !wired },
    { label: `Group${many || ' it'}`, testId: 'menu-group', run: () => addGroup(ids) },
    { label: 'Run to here', testId: 'menu-run-to', run: () => requestRun(ids) },
    { label: `Delete${many}`, testId: 'menu-delete', run: () => deleteItems(ids, []) },
  ];
}

export function ContextMenu() {
  const menu = useUi((s) => s.menu);
  if (!menu) return null;
  const close = () => patchUi({ menu: null });
  const items = itemsFor(menu.target);
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
    e.preventDefault();
    const list = [...(e.currentTarget.querySelectorAll<HTMLElement>('[role=menuitem]:not([disabled])'))];
    const at = list.indexOf(document.activeElement as HTMLElement);
    list[(at + (e.key === 'ArrowDown' ? 1 : -1) + list.length) % list.length]?.focus();
  };
  // Keep the menu on screen.
  const left = Math.min(menu.x, window.innerWidth - 220);
  const top = Math.min(menu.y, window.innerHeight - 40 * items.length - 16);
  return (
    <Modal label="Actions" testId="context-menu" className="context-menu" onClose={close}
      overlayProps={{ className: 'overlay menu-overlay', onContextMenu: (e) => { e.preventDefault(); close(); } }}>
      <ul role="menu" style={{ left, top }} onKeyDown={onKey}>
        {items.map((item) => (
          <li key={item.testId} role="none">
            <button type="button" role="menuitem" data-testid={item.testId} disabled={item.disabled} onClick={() => { close(); item.run(); }}>{item.label}</button>
          </li>
        ))}
      </ul>
    </Modal>
  );
}
