// Editor state that is not the document: selection, open panels, toasts, load problems.
import type { Problem } from '../../graph/index.ts';
import type { ImageValue } from '../../image/value.ts';
import { createStore, useStore } from './createStore.ts';

export interface PendingWire { node: string; port: string; side: 'source' | 'target'; type: string }

export interface PaletteState {
  /** Where a new node goes, in flow coordinates. */
  at: { x: number; y: number };
  /** A wire dropped on empty canvas: the new node gets connected to it. */
  pending?: PendingWire;
}

export interface Toast { id: number; text: string; kind: 'info' | 'error'; x?: number; y?: number }

export interface UiState {
  selectedNodes: string[];
  selectedEdges: string[];
  palette: PaletteState | null;
  help: boolean;
  toasts: Toast[];
  problems: { title: string; list: Problem[] } | null;
  autosave: 'idle' | 'pending' | 'saved' | 'failed';
  /** Side panels folded away (remembered in localStorage). */
  collapsed: Collapsed;
  /** The name the open graph goes by (its file's name, or the example's title): Save offers it. */
  docName: string;
  /** The Save dialog is open. */
  saving: boolean;
  /** The right-click menu: where it opened (screen) and on what. */
  menu: { x: number; y: number; target: MenuTarget } | null;
  /** An image shown large (a node's output clicked), with what it is. */
  enlarged: { image: ImageValue; title: string; item: number } | null;
  /** The mask painter, open on a node's strokes param. */
  painting: { nodeId: string; param: string } | null;
}

export type MenuTarget = { kind: 'pane'; at: { x: number; y: number } } | { kind: 'node'; id: string } | { kind: 'edge'; id: string; at: { x: number; y: number } } | { kind: 'group'; id: string };

export interface Collapsed { inspector: boolean; gallery: boolean }
const COLLAPSED_KEY = 'loom.collapsed';

function readCollapsed(): Collapsed {
  try {
    const saved = JSON.parse(globalThis.localStorage?.getItem(COLLAPSED_KEY) ?? '{}') as Partial<Collapsed>;
    return { inspector: saved.inspector === true, gallery: saved.gallery === true };
  } catch {
    return { inspector: false, gallery: false };
  }
}

/** Folds a panel away or opens it again; remembered for the next visit. */
export function setCollapsed(panel: keyof Collapsed, folded: boolean): void {
  const collapsed = { ...uiStore.get().collapsed, [panel]: folded };
  patchUi({ collapsed });
  try { globalThis.localStorage?.setItem(COLLAPSED_KEY, JSON.stringify(collapsed)); } catch { /* private mode: this visit only */ }
}

export const uiStore = createStore<UiState>({
  selectedNodes: [], selectedEdges: [], palette: null, help: false, toasts: [], problems: null, autosave: 'idle',
  collapsed: readCollapsed(), enlarged: null, painting: null, menu: null, docName: '', saving: false,
});

export const useUi = <S,>(selector: (s: UiState) => S): S => useStore(uiStore, selector);

export function patchUi(patch: Partial<UiState>): void {
  uiStore.set((s) => ({ ...s, ...patch }));
}

export function select(nodes: string[], edges: string[] = []): void {
  patchUi({ selectedNodes: nodes, selectedEdges: edges });
}

let toastId = 0;
export function toast(text: string, kind: Toast['kind'] = 'info', at?: { x: number; y: number }): void {
  const id = ++toastId;
  uiStore.set((s) => ({ ...s, toasts: [...s.toasts.slice(-3), { id, text, kind, ...at }] }));
  setTimeout(() => uiStore.set((s) => ({ ...s, toasts: s.toasts.filter((t) => t.id !== id) })), kind === 'error' ? 6000 : 3000);
}
