// Autosave to IndexedDB: every change is written shortly after it happens, so a reload or crash loses nothing.
import type { GraphDoc } from '../../graph/index.ts';
import { graphStore } from '../store/graph.ts';
import { patchUi } from '../store/ui.ts';

const DB = 'latent-loom';
const STORE = 'docs';
const KEY = 'autosave';

function openDb(): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE);
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
}

async function withStore<T>(mode: IDBTransactionMode, fn: (s: IDBObjectStore) => IDBRequest<T>): Promise<T> {
  const db = await openDb();
  try {
    return await new Promise<T>((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = fn(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error);
    });
  } finally {
    db.close();
  }
}

export async function readAutosave(): Promise<string | undefined> {
  try {
    return await withStore<string | undefined>('readonly', (s) => s.get(KEY) as IDBRequest<string | undefined>);
  } catch {
    return undefined;
  }
}

export function writeAutosave(doc: GraphDoc): Promise<unknown> {
  return withStore('readwrite', (s) => s.put(JSON.stringify(doc), KEY));
}

/** Starts watching the document; returns a function that stops. */
export function startAutosave(delayMs = 250): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = graphStore.get().doc;
  let pending: GraphDoc | null = null;
  const flush = () => {
    clearTimeout(timer);
    if (!pending) return;
    const doc = pending;
    pending = null;
    writeAutosave(doc).then(() => patchUi({ autosave: pending ? 'pending' : 'saved' }), () => patchUi({ autosave: 'failed' }));
  };
  const unsubscribe = graphStore.subscribe(() => {
    const { doc } = graphStore.get();
    if (doc === last) return;
    last = doc;
    pending = doc;
    patchUi({ autosave: 'pending' });
    clearTimeout(timer);
    timer = setTimeout(flush, delayMs);
  });
  // Leaving the page inside the delay would lose the last edit.
  addEventListener('pagehide', flush);
  return () => { flush(); removeEventListener('pagehide', flush); unsubscribe(); };
}
