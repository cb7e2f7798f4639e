// Keyboard shortcuts, one table: the handler and the help panel both read it.
import { cancelRun } from '../engine/session.ts';
import { requestRun } from '../engine/runner.ts';
import { getDoc, redo, undo } from '../store/graph.ts';
import { runStore } from '../store/run.ts';
import { patchUi, select, uiStore } from '../store/ui.ts';
import { modalOpen } from '../panels/Modal.tsx';
import { cursorInFlow } from '../canvas/placement.ts';
import { copySelection, duplicateSelection, paste } from './clipboard.ts';
import { deleteItems, toggleBypass } from './ops.ts';

export interface Shortcut { keys: string; what: string; match(e: KeyboardEvent): boolean; run(): void; inFields?: boolean }

const mod = (e: KeyboardEvent) => e.ctrlKey || e.metaKey;
const key = (e: KeyboardEvent, k: string) => e.key.toLowerCase() === k;

export const SHORTCUTS: Shortcut[] = [
  { keys: '/ or double-click', what: 'Add a node (search)', match: (e) => e.key === '/' && !mod(e), run: openSearch },
  { keys: 'Ctrl+Enter', what: 'Run all (while a run is going: queue another)', match: (e) => mod(e) && e.key === 'Enter', run: () => requestRun(), inFields: true },
  { keys: 'Shift+Enter', what: 'Run to the selected nodes', match: (e) => e.shiftKey && !mod(e) && e.key === 'Enter', run: runSelected },
  { keys: 'Escape', what: 'Cancel the run / close panels', match: (e) => e.key === 'Escape', run: escape },
  { keys: 'Ctrl+Z', what: 'Undo', match: (e) => mod(e) && !e.shiftKey && key(e, 'z'), run: undo },
  { keys: 'Ctrl+Shift+Z / Ctrl+Y', what: 'Redo', match: (e) => mod(e) && ((e.shiftKey && key(e, 'z')) || key(e, 'y')), run: redo },
  // Copy and paste go through the browser's copy and paste events (see onCopy, onPaste) to reach the system clipboard.
  { keys: 'Ctrl+C', what: 'Copy the selected nodes (also to the system clipboard)', match: () => false, run: () => {} },
  { keys: 'Ctrl+V', what: 'Paste nodes, or a whole graph copied as JSON', match: () => false, run: () => {} },
  { keys: 'Ctrl+D', what: 'Duplicate the selected nodes', match: (e) => mod(e) && key(e, 'd'), run: duplicateSelection },
  { keys: 'Ctrl+A', what: 'Select all nodes', match: (e) => mod(e) && key(e, 'a'), run: () => select(getDoc().nodes.map((n) => n.id)) },
  { keys: 'Ctrl+B', what: 'Bypass the selected nodes, or turn bypass off (a bypassed node passes its input on)', match: (e) => mod(e) && key(e, 'b'), run: bypassSelection },
  { keys: 'Delete / Backspace', what: 'Delete the selection', match: (e) => e.key === 'Delete' || e.key === 'Backspace', run: deleteSelection },
  { keys: 'Ctrl+S', what: 'Save the graph as JSON (asks for a name)', match: (e) => mod(e) && key(e, 's'), run: () => patchUi({ saving: true }), inFields: true },
  { keys: 'Shift+drag', what: 'Select with a box', match: () => false, run: () => {} },
  { keys: '?', what: 'This help', match: (e) => e.key === '?', run: () => patchUi({ help: !uiStore.get().help }) },
];

/** The search adds its node at the cursor when the cursor is over the canvas, else in the middle of it. */
function openSearch(): void {
  const el = document.querySelector('.react-flow__pane')?.getBoundingClientRect();
  patchUi({ palette: { at: cursorInFlow() ?? paletteSpot(el) } });
}

/** New nodes from the keyboard land near the middle of the visible canvas. */
let toFlow: ((p: { x: number; y: number }) => { x: number; y: number }) | null = null;
export function setScreenToFlow(fn: typeof toFlow): void { toFlow = fn; }
function paletteSpot(r: DOMRect | undefined): { x: number; y: number } {
  const screen = r ? { x: r.left + r.width / 2, y: r.top + r.height / 2 } : { x: 0, y: 0 };
  return toFlow ? toFlow(screen) : screen;
}

function runSelected(): void {
  const ids = uiStore.get().selectedNodes;
  if (ids.length) requestRun(ids);
}

/** Dialogs close on Escape themselves (see Modal); with none open, Escape cancels the run. */
function escape(): void {
  if (runStore.get().running) void cancelRun();
}

function bypassSelection(): void {
  const ids = uiStore.get().selectedNodes;
  if (ids.length) toggleBypass(ids);
}

function deleteSelection(): void {
  const { selectedNodes, selectedEdges } = uiStore.get();
  if (selectedNodes.length || selectedEdges.length) deleteItems(selectedNodes, selectedEdges);
}

function inField(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  return !!el && (el.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName));
}

export function onKeyDown(e: KeyboardEvent): void {
  const typing = inField(e.target);
  const hit = SHORTCUTS.find((s) => s.match(e));
  // An open dialog owns the keyboard (it closes itself on Escape): nothing reaches the graph behind it.
  // An Escape that closed a dialog is marked handled, and must not go on to cancel the run once the
  // dialog is gone.
  if (modalOpen() || (e.key === 'Escape' && e.defaultPrevented)) return;
  if (!hit || (typing && !hit.inFields && e.key !== 'Escape')) return;
  e.preventDefault();
  hit.run();
}

export function onCopy(e: ClipboardEvent): void {
  if (inField(e.target) || modalOpen()) return;
  const text = copySelection();
  if (text === null) return;
  e.clipboardData?.setData('text/plain', text);
  e.preventDefault();
}

export function onPaste(e: ClipboardEvent): void {
  if (inField(e.target) || modalOpen()) return;
  e.preventDefault();
  paste(e.clipboardData?.getData('text/plain'));
}
