// Autosave to IndexedDB: every change is written shortly after it happens, so a reload or crash loses nothing.
// IndexedDB writes finish after the page has gone when it is left at once (a reload right after an edit),
// so leaving the page with changes not yet in IndexedDB also writes them to localStorage synchronously: a
// journal, read first at start-up and dropped once IndexedDB holds that change or a later one.
import type { GraphDoc } from '../../graph/index.ts';
import { graphStore } from '../store/graph.ts';
import { patchUi } from '../store/ui.ts';

const DB = 'latent-loom';
const STORE = 'docs';
const KEY = 'autosave';
const JOURNAL = 'latent-loom:autosave-journal';
const JOURNAL_STAMP = 'latent-loom:autosave-journal-stamp';

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
  const journal = readJournal();
  if (journal !== undefined) return journal;
  try {
    return await withStore<string | undefined>('readonly', (s) => s.get(KEY) as IDBRequest<string | undefined>);
  } catch {
    return undefined;
  }
}

export function writeAutosave(doc: GraphDoc): Promise<unknown> {
  return withStore('readwrite', (s) => s.put(JSON.stringify(doc), KEY));
}

function readJournal(): string | undefined {
  try {
    return localStorage.getItem(JOURNAL) ?? undefined;
  } catch {
    return undefined; // storage blocked
  }
}

/** The document, synchronously; a journal too large for localStorage is removed so an older one cannot win. */
function writeJournal(doc: GraphDoc, stamp: number): void {
  try {
    localStorage.setItem(JOURNAL, JSON.stringify(doc));
    localStorage.setItem(JOURNAL_STAMP, String(stamp));
  } catch {
    dropJournal(Infinity);
  }
}

/** Removes the journal when IndexedDB now holds its change (`saved` is the stamp of what was written). */
function dropJournal(saved: number): void {
  try {
    const stamp = Number(localStorage.getItem(JOURNAL_STAMP) ?? 0);
    if (stamp <= saved) {
      localStorage.removeItem(JOURNAL);
      localStorage.removeItem(JOURNAL_STAMP);
    }
  } catch {
    // storage blocked: nothing was journalled
  }
}

/** Starts watching the document; returns a function that stops. */
export function startAutosave(delayMs = 250): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let last = graphStore.get().doc;
  let pending: GraphDoc | null = null;
  // Stamps order the changes: the latest one IndexedDB may not hold yet, and the document it stamps.
  let stamp = 0;
  let unsaved: { doc: GraphDoc; stamp: number } | null = null;
  const flush = () => {
    clearTimeout(timer);
    if (!pending) return;
    const doc = pending;
    const written = stamp;
    pending = null;
    writeAutosave(doc).then(() => {
      if (unsaved?.stamp === written) unsaved = null;
      dropJournal(written);
      patchUi({ autosave: pending ? 'pending' : 'saved' });
    }, () => patchUi({ autosave: 'failed' }));
  };
  const leave = () => {
    if (unsaved) writeJournal(unsaved.doc, unsaved.stamp);
    flush();
  };
  const hidden = () => {
    if (document.visibilityState === 'hidden') leave();
  };
  const unsubscribe = graphStore.subscribe(() => {
    const { doc } = graphStore.get();
    if (doc === last) return;
    last = doc;
    pending = doc;
    stamp = Math.max(stamp + 1, Date.now());
    unsaved = { doc, stamp };
    patchUi({ autosave: 'pending' });
    clearTimeout(timer);
    timer = setTimeout(flush, delayMs);
  });
  // Leaving the page inside the delay, or before IndexedDB has finished, would lose the last edit.
  addEventListener('pagehide', leave);
  document.addEventListener('visibilitychange', hidden);
  return () => { leave(); removeEventListener('pagehide', leave); document.removeEventListener('visibilitychange', hidden); unsubscribe(); };
}
