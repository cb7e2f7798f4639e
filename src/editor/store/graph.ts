// The graph document, edited with immer. Undo and redo replay immer patches, never whole-graph snapshots.
import { applyPatches, enablePatches, produceWithPatches, type Draft, type Patch } from 'immer';
import { emptyGraph, type GraphDoc, type GraphNode } from '../../graph/index.ts';
import { createStore, useStore } from './createStore.ts';

enablePatches();

/** `load`: the step swaps the whole document (an opened file or example), so the canvas fits the view again. */
interface Entry { patches: Patch[]; inverse: Patch[]; gesture?: string; load?: boolean }

/** `loads` counts whole-document replacements, so the canvas knows when to fit the view. */
export interface GraphState { doc: GraphDoc; canUndo: boolean; canRedo: boolean; loads: number }

export const graphStore = createStore<GraphState>({ doc: emptyGraph(), canUndo: false, canRedo: false, loads: 0 });

const undoStack: Entry[] = [];
const redoStack: Entry[] = [];
/** Edits with the same gesture key, one after another, make one undo step (a drag, typing in a field). */
let openGesture: string | null = null;

function publish(doc: GraphDoc, loaded = false): void {
  const loads = graphStore.get().loads + (loaded ? 1 : 0);
  graphStore.set({ doc, canUndo: undoStack.length > 0, canRedo: redoStack.length > 0, loads });
}

export function getDoc(): GraphDoc {
  return graphStore.get().doc;
}

export function edit(recipe: (doc: Draft<GraphDoc>) => void, gesture?: string): void {
  const [next, patches, inverse] = produceWithPatches(getDoc(), recipe);
  if (patches.length === 0) return;
  const top = undoStack.at(-1);
  if (gesture && top && top.gesture === gesture && openGesture === gesture) {
    top.patches.push(...patches);
    top.inverse.unshift(...inverse);
  } else {
    undoStack.push({ patches, inverse, gesture });
  }
  openGesture = gesture ?? null;
  redoStack.length = 0;
  publish(next);
}

/** Closes the gesture in progress, so the next edit starts a new undo step. */
export function endGesture(): void {
  openGesture = null;
}

export function undo(): void {
  const entry = undoStack.pop();
  if (!entry) return;
  openGesture = null;
  redoStack.push(entry);
  publish(applyPatches(getDoc(), entry.inverse), entry.load);
}

export function redo(): void {
  const entry = redoStack.pop();
  if (!entry) return;
  openGesture = null;
  undoStack.push(entry);
  publish(applyPatches(getDoc(), entry.patches), entry.load);
}

/** Another document (a file, an example, a PNG's graph) as one undo step: undo brings back the one it replaced. */
export function openDoc(doc: GraphDoc): void {
  // Root patches hold the two documents whole: a swap has no smaller difference worth computing.
  undoStack.push({ patches: [{ op: 'replace', path: [], value: doc }], inverse: [{ op: 'replace', path: [], value: getDoc() }], load: true });
  redoStack.length = 0;
  openGesture = null;
  publish(doc, true);
}

/** The document the editor starts with (restored or the first-start graph): history starts empty. */
export function replaceDoc(doc: GraphDoc): void {
  undoStack.length = 0;
  redoStack.length = 0;
  openGesture = null;
  publish(doc, true);
}

export function useDoc<S>(selector: (doc: GraphDoc) => S): S {
  return useStore(graphStore, (s) => selector(s.doc));
}

export function useGraphNode(id: string): GraphNode | undefined {
  return useStore(graphStore, (s) => s.doc.nodes.find((n) => n.id === id));
}

export function useHistory(): { canUndo: boolean; canRedo: boolean } {
  const canUndo = useStore(graphStore, (s) => s.canUndo);
  const canRedo = useStore(graphStore, (s) => s.canRedo);
  return { canUndo, canRedo };
}
