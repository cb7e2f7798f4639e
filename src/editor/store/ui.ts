// Editor state that is not the document: selection, open panels, toasts, load problems.
import type { Problem } from '../../graph/index.ts';
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
}

export const uiStore = createStore<UiState>({
  selectedNodes: [], selectedEdges: [], palette: null, help: false, toasts: [], problems: null, autosave: 'idle',
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
