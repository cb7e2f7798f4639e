// The results, newest first. Each keeps the graph that made it (for PNG export and to reopen) and says
// what made it: prompt, seed, steps, sampler, model and when. Arrow keys move through them; two can be
// compared with a slider.
import { useState, type KeyboardEvent } from 'react';
import { exportPng, openGraph } from '../files/graphFile.ts';
import { imageSettings } from '../files/parameters.ts';
import { useStore } from '../store/createStore.ts';
import { runStore, type GalleryItem } from '../store/run.ts';
import { ImageBatch, ImageCanvas } from './ImageCanvas.tsx';
import { downloadSaved, isSaveImage } from './SaveImage.tsx';
import { Modal } from '../panels/Modal.tsx';
import { setCollapsed, useUi } from '../store/ui.ts';
import { formatBytes } from '../../runtime/format.ts';
import { clearHistory, setHistoryLimit, useHistoryInfo } from './history.ts';

const pngName = (item: GalleryItem) => `latent-loom-${item.run}-${item.nodeId}.png`;

/** What made an image, as lines of "name: value". */
export function describeItem(item: GalleryItem): [string, string][] {
  const s = imageSettings(item.doc, item.nodeId);
  const rows: [string, string | number | undefined][] = [
    ['prompt', s.prompt], ['negative prompt', s.negative], ['seed', s.seed], ['steps', s.steps], ['sampler', s.sampler],
    ['cfg', s.cfg], ['model', s.model], ['size', `${item.image.width}×${item.image.height}${item.image.batch > 1 ? ` ×${item.image.batch}` : ''}`],
    ['made', `${new Date(item.at).toLocaleString()} (run ${item.run}, ${item.ms < 1000 ? `${Math.round(item.ms)} ms` : `${(item.ms / 1000).toFixed(1)} s`})`],
  ];
  return rows.filter((r): r is [string, string | number] => r[1] !== undefined && r[1] !== '').map(([k, v]) => [k, String(v)]);
}

export function Gallery() {
  const items = useStore(runStore, (s) => s.gallery);
  const [viewingKey, setViewingKey] = useState<string | null>(null);
  const viewing = items.find((i) => i.key === viewingKey) ?? null;
  const folded = useUi((s) => s.collapsed.gallery);
  if (folded) {
    return (
      <footer className="gallery folded" data-testid="gallery" data-collapsed="true">
        <button type="button" className="fold" data-testid="gallery-toggle" aria-expanded={false} title="Show the gallery" onClick={() => setCollapsed('gallery', false)}>▴ Gallery ({items.length})</button>
      </footer>
    );
  }
  // Left and right move the focus along the strip.
  const onKey = (e: KeyboardEvent) => {
    if (e.key !== 'ArrowLeft' && e.key !== 'ArrowRight') return;
    const list = [...e.currentTarget.querySelectorAll<HTMLElement>('[data-testid=gallery-image]')];
    const at = list.indexOf(document.activeElement as HTMLElement);
    if (at < 0) return;
    e.preventDefault();
    list[Math.max(0, Math.min(list.length - 1, at + (e.key === 'ArrowRight' ? 1 : -1)))].focus();
  };
  return (
    <footer className="gallery" data-testid="gallery" data-collapsed="false" onKeyDown={onKey}>
      <button type="button" className="fold" data-testid="gallery-toggle" aria-expanded title="Hide the gallery" onClick={() => setCollapsed('gallery', true)}>▾</button>
      <HistoryInfo />
      {items.length === 0 && <span className="muted">Results appear here, and stay after a reload.</span>}
      {items.map((item) => (
        <figure key={item.key} data-testid="gallery-item" data-node-id={item.nodeId} title={describeItem(item).map(([k, v]) => `${k}: ${v}`).join('\n')}>
          <span role="button" tabIndex={0} className="gallery-open" data-testid="gallery-image" aria-label={`result ${item.nodeId}, run ${item.run}`}
            onClick={() => setViewingKey(item.key)} onKeyDown={(e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); setViewingKey(item.key); } }}>
            <ImageCanvas image={item.image} />
          </span>
          <figcaption>
            {item.nodeId} · run {item.run}
            <button type="button" data-testid="gallery-export" title="Save PNG with its graph"
              onClick={() => void exportPng(item.image, item.doc, pngName(item), 0, item.nodeId)}>PNG</button>
            {isSaveImage(item.doc, item.nodeId) && (
              <button type="button" data-testid="gallery-save" title="Download as the Save Image node names it"
                onClick={() => void downloadSaved(item.nodeId, item.image, item.doc)}>Save</button>
            )}
          </figcaption>
        </figure>
      ))}
      {viewing && <Viewer item={viewing} items={items} show={setViewingKey} close={() => setViewingKey(null)} />}
    </footer>
  );
}

/** How much the kept results take, the size they may take, and a button to forget them. */
function HistoryInfo() {
  const { bytes, count, limit, available } = useHistoryInfo((h) => h);
  if (!available) return <span className="muted history" data-testid="history-info">results are not kept after a reload here (no browser storage)</span>;
  const sizes = [16, 64, 256, 1024].map((mb) => mb * 1024 * 1024);
  return (
    <span className="history" data-testid="history-info">
      <span className="muted" title="Results are kept in this browser, so the gallery survives a reload; the oldest go first">kept: {count} · {formatBytes(bytes)} of</span>
      <select aria-label="how much the kept results may take" data-testid="history-limit" value={limit} onChange={(e) => void setHistoryLimit(Number(e.target.value))}>
        {[...new Set([...sizes, limit])].sort((a, b) => a - b).map((b) => <option key={b} value={b}>{formatBytes(b)}</option>)}
      </select>
      <button type="button" data-testid="history-clear" disabled={count === 0} onClick={() => void clearHistory()} title="Forget every kept result">Clear</button>
    </span>
  );
}

function Viewer({ item, items, show, close }: { item: GalleryItem; items: GalleryItem[]; show: (key: string) => void; close: () => void }) {
  const [compareKey, setCompareKey] = useState('');
  const [split, setSplit] = useState(50);
  const other = items.find((i) => i.key === compareKey && i.key !== item.key);
  const at = items.indexOf(item);
  const go = (by: number) => { const next = items[at + by]; if (next) show(next.key); };
  const onKey = (e: KeyboardEvent) => {
    if ((e.target as HTMLElement).tagName === 'INPUT' || (e.target as HTMLElement).tagName === 'SELECT') return;
    if (e.key === 'ArrowRight') { e.preventDefault(); go(1); } // older
    if (e.key === 'ArrowLeft') { e.preventDefault(); go(-1); } // newer
  };
  return (
    <Modal label="Result" testId="gallery-viewer" className="dialog viewer" onClose={close}>
      <div onKeyDown={onKey} className="viewer-body">
        {other ? (
          <div className="compare" data-testid="compare">
            <ImageCanvas image={other.image} testId="compare-under" />
            <div className="compare-over" style={{ clipPath: `inset(0 ${100 - split}% 0 0)` }}><ImageCanvas image={item.image} testId="compare-over" /></div>
            <input type="range" min={0} max={100} value={split} data-testid="compare-slider" aria-label="compare: how much of this image shows"
              onChange={(e) => setSplit(Number(e.target.value))} />
            <p className="muted">Left: run {item.run} ({item.nodeId}) · right: run {other.run} ({other.nodeId})</p>
          </div>
        ) : <div className="viewer-main"><ImageBatch image={item.image} testId="viewer-image" /></div>}
        <dl className="image-facts" data-testid="viewer-facts">
          {describeItem(item).map(([k, v]) => <div key={k}><dt>{k}</dt><dd data-fact={k}>{v}</dd></div>)}
        </dl>
        <div className="row">
          <button type="button" data-testid="viewer-newer" disabled={at <= 0} onClick={() => go(-1)} aria-label="newer result">◂</button>
          <span className="muted" data-testid="viewer-position">{at + 1} / {items.length}</span>
          <button type="button" data-testid="viewer-older" disabled={at >= items.length - 1} onClick={() => go(1)} aria-label="older result">▸</button>
          <label title="Another result of the same size, under a slider">Compare with{' '}
            <select data-testid="compare-with" value={compareKey} onChange={(e) => setCompareKey(e.target.value)}>
              <option value="">—</option>
              {items.filter((i) => i.key !== item.key && i.image.width === item.image.width && i.image.height === item.image.height).map((i) => <option key={i.key} value={i.key}>run {i.run} · {i.nodeId}</option>)}
            </select>
          </label>
        </div>
        <div className="row">
          <button type="button" data-testid="viewer-export" onClick={() => void exportPng(item.image, item.doc, pngName(item), 0, item.nodeId)}>Save PNG with graph</button>
          <button type="button" data-testid="viewer-open-graph" onClick={() => { close(); openGraph(item.doc, `the graph of run ${item.run}`); }}>Open the graph that made it</button>
          <button type="button" data-testid="viewer-close" autoFocus onClick={close}>Close</button>
        </div>
      </div>
    </Modal>
  );
}
