// The Models panel and the missing-models dialog: their state, and actions that run in the engine's
// worker (where OPFS is). After each action the model pickers' list is fetched again.
import type { ModelsInfo } from '../../engine/client.browser.ts';
import type { GraphDoc } from '../../graph/index.ts';
import type { PickedFile } from '../../models/fileSource.ts';
import type { MissingModel } from '../../models/graphModels.ts';
import type { Imported } from '../../models/importModel.ts';
import { formatBytes } from '../../runtime/format.ts';
import { modelBytes } from '../../runtime/manifest.ts';
import { ready, refreshModelList } from '../engine/session.ts';
import { createStore, useStore } from '../store/createStore.ts';
import { getDoc } from '../store/graph.ts';

type Progress = { received: number; total: number | null };

export interface ModelsState {
  open: boolean;
  info: ModelsInfo | null;
  /** Downloads running, by model id or URL. */
  progress: Record<string, Progress>;
  /** The open graph's models the store lacks; the dialog shows while there are any. */
  missing: MissingModel[];
}

export const modelsStore = createStore<ModelsState>({ open: false, info: null, progress: {}, missing: [] });
export const useModels = <S,>(selector: (s: ModelsState) => S): S => useStore(modelsStore, selector);

export function showModels(open: boolean): void {
  modelsStore.set((s) => ({ ...s, open }));
  if (open) void refreshModels();
}

export async function refreshModels(): Promise<void> {
  const e = await ready();
  const info = await e.models.list();
  modelsStore.set((s) => ({ ...s, info }));
  await refreshModelList();
}

/** After an action: the lists again, and the missing models of the open graph again. */
async function changed(): Promise<void> {
  await refreshModels();
  if (modelsStore.get().missing.length > 0) await checkMissingModels(getDoc());
}

const said = ({ manifest: m }: Imported) => `added "${m.id}" (${m.kind}, ${formatBytes(modelBytes(m))})`;

export async function addModelFiles(files: PickedFile[], id?: string): Promise<string> {
  // A File's folder path does not survive the trip to the worker: send it alongside.
  const picked = files.map((f) => (f instanceof File ? { file: f, path: f.webkitRelativePath || f.name } : f));
  const e = await ready();
  try {
    return said(await e.models.addFiles(picked, id));
  } finally {
    await changed();
  }
}

export async function downloadModel(url: string, id?: string, bytes?: number): Promise<string> {
  return withProgress(id ?? url, (e, onProgress) => e.models.downloadUrl(url, id, onProgress, bytes));
}

export async function downloadKnownModel(id: string): Promise<string> {
  return withProgress(id, (e, onProgress) => e.models.downloadKnown(id, onProgress));
}

export async function deleteModel(id: string): Promise<string> {
  await (await ready()).models.delete(id);
  await changed();
  return `deleted "${id}"`;
}

type Engine = Awaited<ReturnType<typeof ready>>;

async function withProgress(key: string, run: (e: Engine, onProgress: (p: Progress) => void) => Promise<Imported>): Promise<string> {
  const e = await ready();
  const set = (p: Progress | null) => modelsStore.set((s) => {
    const progress = { ...s.progress };
    if (p) progress[key] = { received: p.received, total: p.total };
    else delete progress[key];
    return { ...s, progress };
  });
  set({ received: 0, total: null });
  try {
    return said(await run(e, e.listen(set)));
  } finally {
    set(null);
    await changed();
  }
}

/** Shows the missing-models dialog when the graph (just opened) names models the store lacks. */
export async function checkMissingModels(doc: GraphDoc): Promise<void> {
  try {
    const missing = await (await ready()).models.missing(doc);
    if (getDoc() === doc) modelsStore.set((s) => ({ ...s, missing }));
  } catch (e) {
    console.warn(`missing models could not be checked: ${(e as Error).message}`);
  }
}

export function dismissMissing(): void {
  modelsStore.set((s) => ({ ...s, missing: [] }));
}

/** The document with its `models` field filled from the store (id, sha256, size, source URL). */
export async function withModelRefs(doc: GraphDoc): Promise<GraphDoc> {
  try {
    const refs = await (await ready()).models.refs(doc);
    const { models: _, ...rest } = doc;
    return Object.keys(refs).length > 0 ? { ...rest, models: refs } : rest;
  } catch {
    return doc; // no engine: the document keeps what it knew
  }
}
