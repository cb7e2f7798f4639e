// The gallery survives a reload: each result is kept in this browser (IndexedDB, its own database), as
// 8-bit pixels with the graph that made it, newest first, within a size the person can see and change
// (the gallery's "kept" line) and clear. The oldest go first when the size is reached.
import type { GraphDoc } from '../../graph/index.ts';
import { image, type ImageValue } from '../../image/value.ts';
import { createStore, useStore } from '../store/createStore.ts';
import { runStore, type GalleryItem } from '../store/run.ts';

const DB = 'latent-loom-history';
const STORE = 'results';
const LIMIT_KEY = 'loom.historyLimit';
export const DEFAULT_LIMIT = 64 * 1024 * 1024;
/** How many results the gallery shows at once (the newest). */
const SHOWN = 48;

interface Stored {
  key: string; nodeId: string; runId: number; run: number; at: number; ms: number; doc: GraphDoc;
  width: number; height: number; channels: 1 | 3 | 4; batch: number; pixels: Uint8Array; bytes: number;
}

export interface HistoryState { bytes: number; count: number; limit: number; available: boolean }
export const historyStore = createStore<HistoryState>({ bytes: 0, count: 0, limit: readLimit(), available: true });
export const useHistoryInfo = <S,>(selector: (s: HistoryState) => S): S => useStore(historyStore, selector);

function readLimit(): number {
  const v = Number(globalThis.localStorage?.getItem(LIMIT_KEY));
  return Number.isFinite(v) && v > 0 ? v : DEFAULT_LIMIT;
}

let db: Promise<IDBDatabase> | null = null;
function open(): Promise<IDBDatabase> {
  db ??= new Promise((done, fail) => {
    const req = indexedDB.open(DB, 1);
    req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'key' }).createIndex('at', 'at');
    req.onsuccess = () => done(req.result);
    req.onerror = () => fail(req.error);
  });
  return db;
}

function tx<T>(mode: IDBTransactionMode, run: (s: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
  return open().then((d) => new Promise((done, fail) => {
    const t = d.transaction(STORE, mode);
    const req = run(t.objectStore(STORE));
    t.oncomplete = () => done(req ? req.result : undefined);
    t.onerror = () => fail(t.error);
    t.onabort = () => fail(t.error);
  }));
}

const toStored = (item: GalleryItem): Stored => {
  const { image: img } = item;
  const pixels = new Uint8Array(img.data.length);
  for (let i = 0; i < pixels.length; i++) { const v = img.data[i]; pixels[i] = Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * 255); }
  const docBytes = JSON.stringify(item.doc).length;
  return { key: item.key, nodeId: item.nodeId, runId: item.runId, run: item.run, at: item.at, ms: item.ms, doc: item.doc,
    width: img.width, height: img.height, channels: img.channels, batch: img.batch, pixels, bytes: pixels.length + docBytes };
};

const fromStored = (s: Stored): GalleryItem => {
  const data = new Float32Array(s.pixels.length);
  for (let i = 0; i < data.length; i++) data[i] = s.pixels[i] / 255;
  const img: ImageValue = image(s.width, s.height, s.channels, data, s.batch);
  return { key: s.key, nodeId: s.nodeId, runId: s.runId, run: s.run, at: s.at, ms: s.ms, doc: s.doc, image: img };
};

async function all(): Promise<Stored[]> {
  const list = (await tx<Stored[]>('readonly', (s) => s.getAll() as IDBRequest<Stored[]>)) ?? [];
  return list.sort((a, b) => b.at - a.at);
}

/** Drops the oldest results until the rest fit the limit; publishes what is kept. */
async function trim(): Promise<void> {
  const list = await all();
  const { limit } = historyStore.get();
  let bytes = 0;
  const drop: string[] = [];
  for (const s of list) {
    if (bytes + s.bytes > limit) drop.push(s.key);
    else bytes += s.bytes;
  }
  if (drop.length) await tx('readwrite', (s) => { for (const k of drop) s.delete(k); });
  historyStore.set((h) => ({ ...h, bytes, count: list.length - drop.length }));
}

/** Brings back the kept results (newest first) and keeps every new one from now on. */
export async function startHistory(): Promise<void> {
  try {
    const kept = (await all()).slice(0, SHOWN).map(fromStored);
    if (kept.length) {
      runStore.set((s) => ({
        ...s,
        gallery: [...s.gallery, ...kept.filter((k) => !s.gallery.some((g) => g.key === k.key))].sort((a, b) => b.at - a.at).slice(0, SHOWN),
        runNumber: Math.max(s.runNumber, ...kept.map((k) => k.run)),
      }));
    }
    await trim();
  } catch {
    historyStore.set((h) => ({ ...h, available: false }));
    return;
  }
  const saved = new Set(runStore.get().gallery.map((g) => g.key));
  runStore.subscribe(() => {
    const fresh = runStore.get().gallery.filter((g) => !saved.has(g.key));
    if (fresh.length === 0) return;
    for (const g of fresh) saved.add(g.key);
    void tx('readwrite', (s) => { for (const g of fresh) s.put(toStored(g)); }).then(trim).catch(() => historyStore.set((h) => ({ ...h, available: false })));
  });
}

/** Forgets every kept result, here and in the gallery. */
export async function clearHistory(): Promise<void> {
  await tx('readwrite', (s) => s.clear());
  runStore.set((s) => ({ ...s, gallery: [] }));
  historyStore.set((h) => ({ ...h, bytes: 0, count: 0 }));
}

/** A new size for what the history keeps (the oldest results go when it is smaller than what is kept). */
export async function setHistoryLimit(bytes: number): Promise<void> {
  historyStore.set((h) => ({ ...h, limit: bytes }));
  try { globalThis.localStorage?.setItem(LIMIT_KEY, String(bytes)); } catch { /* this visit only */ }
  await trim();
}
