// The mask painter: a dialog opened from a Paint Mask node ("Paint mask"), the mask shown as a
// translucent colour over the picture it masks. Brush and eraser with a size; each stroke is one undo
// step of the graph (Ctrl+Z / Ctrl+Y work here too); Clear removes them all in one step.
import { useEffect, useMemo, useRef, useState, type KeyboardEvent, type PointerEvent } from 'react';
import { paramProblem, type Stroke, type StrokeMode } from '../../graph/index.ts';
import { brushRadius, paintMask, paintStroke } from '../../image/paint.ts';
import type { ImageValue } from '../../image/value.ts';
import { registry } from '../catalog.ts';
import { requestRun } from '../engine/runner.ts';
import { toImageData } from '../images/ImageCanvas.tsx';
import { Modal } from '../panels/Modal.tsx';
import { redo, undo, useGraphNode, useHistory } from '../store/graph.ts';
import { patchUi, useUi } from '../store/ui.ts';
import { useBackdrop } from './backdrop.ts';
import { addStroke, clearStrokes, strokesOf } from './strokes.ts';

/** The mask's colour over the picture: translucent, so the picture shows through. */
const MASK_RGBA = [255, 40, 100, 150] as const;

/** The brush the painter last used, kept while the page is open. Size in pixels of the picture. */
const brush = { mode: 'brush' as StrokeMode, px: 8 };

export function MaskPainter() {
  const painting = useUi((s) => s.painting);
  if (!painting) return null;
  return <PainterDialog key={`${painting.nodeId}:${painting.param}`} nodeId={painting.nodeId} param={painting.param} />;
}

function PainterDialog({ nodeId, param }: { nodeId: string; param: string }) {
  const node = useGraphNode(nodeId);
  const backdrop = useBackdrop(nodeId);
  const close = () => patchUi({ painting: null });
  // The node went (an undo, another graph opened): nothing left to paint on.
  useEffect(() => { if (!node) close(); }, [node]);
  if (!node) return null;
  const title = node.title ?? registry.get(node.type)?.title ?? node.type;
  const strokes = strokesOf(node.params, param);
  // A file may hold strokes this app refuses (edited by hand): say why, and let Clear start again.
  const spec = registry.get(node.type)?.params[param];
  const problem = spec ? paramProblem(spec, node.params[param] ?? []) : null;
  return (
    <Modal label={`Paint mask: ${title}`} testId="painter" className="dialog painter" onClose={close} backdropCloses={false} overlayProps={{ style: { paddingTop: '3vh' } }}>
      <h2>Paint mask <small>{title}</small></h2>
      {problem
        ? (
          <div className="painter-missing" data-testid="painter-problem">
            <p className="error">param "{param}" {problem}</p>
            <button type="button" data-testid="painter-clear" onClick={() => clearStrokes(nodeId, param)}>Clear</button>
          </div>
        )
        : backdrop.state === 'ready'
        ? <Painter nodeId={nodeId} param={param} image={backdrop.image} strokes={strokes} />
        : (
          <div className="painter-missing" data-testid="painter-missing">
            <p className="muted">{backdrop.state === 'loading' ? 'Loading the picture…' : backdrop.message}</p>
            {backdrop.state === 'missing' && backdrop.runTo && (
              <button type="button" data-testid="painter-run-source" onClick={() => requestRun([backdrop.runTo!])}>Run to here</button>
            )}
          </div>
        )}
      <div className="row">
        <span className="muted" data-testid="painter-strokes" data-count={strokes.length}>{strokes.length} stroke{strokes.length === 1 ? '' : 's'}</span>
        <span className="spacer" />
        <button type="button" data-testid="painter-done" onClick={close}>Done</button>
      </div>
    </Modal>
  );
}

interface PainterProps { nodeId: string; param: string; image: ImageValue; strokes: readonly Stroke[] }

function Painter({ nodeId, param, image, strokes }: PainterProps) {
  const { width: w, height: h } = image;
  const side = Math.min(w, h);
  const [mode, setModeState] = useState<StrokeMode>(brush.mode);
  const [px, setPxState] = useState(() => Math.min(Math.max(1, brush.px), side));
  const setMode = (m: StrokeMode) => { brush.mode = m; setModeState(m); };
  const setPx = (v: number) => { const n = Math.min(side, Math.max(1, Math.round(v))); brush.px = n; setPxState(n); };
  const { canUndo, canRedo } = useHistory();
  const scale = useFitScale(w, h);
  const back = useRef<HTMLCanvasElement>(null);
  const front = useRef<HTMLCanvasElement>(null);
  const [cursor, setCursor] = useState<{ x: number; y: number } | null>(null);
  // The mask of the kept strokes; the stroke in progress is painted onto a copy of it.
  const kept = useMemo(() => paintMask(strokes, w, h).data, [strokes, w, h]);
  const live = useRef<{ points: number[]; plane: Float32Array; stroke: Stroke } | null>(null);
  // The keys work once the picture is in: the painter takes the focus unless a control inside has it.
  const body = useRef<HTMLDivElement>(null);
  useEffect(() => { if (!body.current?.contains(document.activeElement)) body.current?.focus(); }, []);

  useEffect(() => {
    const c = back.current;
    if (!c) return;
    c.width = w;
    c.height = h;
    c.getContext('2d')?.putImageData(toImageData(image), 0, 0);
  }, [image, w, h]);
  useEffect(() => { drawMask(front.current, kept, w, h); }, [kept, w, h]);

  /** The pointer as fractions of the picture's width and height, kept inside it. */
  const at = (e: PointerEvent): [number, number] => {
    const r = front.current!.getBoundingClientRect();
    const clamp = (v: number) => Math.min(1, Math.max(0, v));
    return [clamp((e.clientX - r.left) / r.width), clamp((e.clientY - r.top) / r.height)];
  };
  const down = (e: PointerEvent) => {
    if (e.button !== 0) return;
    e.currentTarget.setPointerCapture(e.pointerId);
    const p = at(e);
    const stroke: Stroke = { mode, size: px / side, points: [...p] };
    const plane = kept.slice();
    paintStroke(plane, w, h, stroke);
    live.current = { points: [...p], plane, stroke };
    drawMask(front.current, plane, w, h);
  };
  const move = (e: PointerEvent) => {
    const r = front.current!.getBoundingClientRect();
    setCursor({ x: e.clientX - r.left, y: e.clientY - r.top });
    const s = live.current;
    if (!s) return;
    const p = at(e);
    const [lx, ly] = s.points.slice(-2);
    // Points closer than a quarter of the radius (half a pixel at least) add nothing a user can see.
    const minStep = Math.max(0.5, brushRadius(s.stroke.size, w, h) / 4);
    if (Math.hypot((p[0] - lx) * w, (p[1] - ly) * h) < minStep) return;
    s.points.push(...p);
    const piece = { ...s.stroke, points: [lx, ly, ...p] };
    paintStroke(s.plane, w, h, piece);
    drawMask(front.current, s.plane, w, h, { points: piece.points, r: brushRadius(piece.size, w, h) });
  };
  const up = () => {
    const s = live.current;
    live.current = null;
    if (!s) return;
    if (!addStroke(nodeId, param, { ...s.stroke, points: s.points })) drawMask(front.current, kept, w, h);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const typing = e.target instanceof HTMLInputElement && e.target.type !== 'range' && e.target.type !== 'button';
    const mod = e.ctrlKey || e.metaKey;
    const k = e.key.toLowerCase();
    let handled = true;
    if (mod && k === 'z' && !e.shiftKey) undo();
    else if (mod && (k === 'y' || (k === 'z' && e.shiftKey))) redo();
    else if (typing || mod) handled = false;
    else if (k === 'b') setMode('brush');
    else if (k === 'e') setMode('erase');
    else if (k === 'x') setMode(mode === 'brush' ? 'erase' : 'brush');
    else if (e.key === '[') setPx(px - Math.max(1, Math.round(px * 0.15)));
    else if (e.key === ']') setPx(px + Math.max(1, Math.round(px * 0.15)));
    else handled = false;
    if (handled) { e.preventDefault(); e.stopPropagation(); }
  };

  const ring = px * scale;
  return (
    <div className="painter-body" ref={body} tabIndex={-1} onKeyDown={onKeyDown}>
      <div className="painter-tools row">
        <div className="painter-modes" role="group" aria-label="tool">
          <button type="button" data-testid="painter-brush" aria-pressed={mode === 'brush'} title="Brush: paint the area to change (B)" onClick={() => setMode('brush')}>Brush</button>
          <button type="button" data-testid="painter-eraser" aria-pressed={mode === 'erase'} title="Eraser: take it out of the mask (E; X swaps)" onClick={() => setMode('erase')}>Eraser</button>
        </div>
        <label className="painter-size" title="Brush size in pixels of the picture ([ and ] change it)">
          size
          <input type="range" data-testid="painter-size-slider" min={1} max={side} step={1} value={px} onChange={(e) => setPx(Number(e.target.value))} aria-label="brush size slider" />
          <input type="number" data-testid="painter-size" min={1} max={side} step={1} value={px} onChange={(e) => { const v = Number(e.target.value); if (Number.isFinite(v) && v >= 1) setPx(v); }} aria-label="brush size in pixels" />
          px
        </label>
        <button type="button" data-testid="painter-undo" disabled={!canUndo} title="Undo the last edit, here the last stroke (Ctrl+Z)" onClick={undo}>Undo</button>
        <button type="button" data-testid="painter-redo" disabled={!canRedo} title="Redo (Ctrl+Y)" onClick={redo}>Redo</button>
        <button type="button" data-testid="painter-clear" disabled={strokes.length === 0} title="Remove every stroke (one undo step)" onClick={() => clearStrokes(nodeId, param)}>Clear</button>
      </div>
      <div className="painter-stage" style={{ width: w * scale, height: h * scale }} data-testid="painter-stage" data-width={w} data-height={h}>
        <canvas ref={back} className="painter-picture" data-testid="painter-picture" />
        <canvas ref={front} className={`painter-mask ${mode}`} data-testid="painter-canvas" width={w} height={h}
          onPointerDown={down} onPointerMove={move} onPointerUp={up} onPointerCancel={up} onPointerLeave={() => setCursor(null)} />
        {cursor && <div className={`painter-cursor ${mode}`} style={{ width: ring, height: ring, left: cursor.x - ring / 2, top: cursor.y - ring / 2 }} />}
      </div>
      <p className="muted painter-help">
        {w}×{h} · drag to paint what to change · B brush, E eraser, X swap, [ ] size, Ctrl+Z undo, Ctrl+Y redo · hard edges: soften with Feather Mask
      </p>
    </div>
  );
}

/** Pixels of the picture per pixel on screen: as large as the window allows, whole steps when enlarging small pictures. */
function useFitScale(w: number, h: number): number {
  const [view, setView] = useState(() => ({ w: window.innerWidth, h: window.innerHeight }));
  useEffect(() => {
    const on = () => setView({ w: window.innerWidth, h: window.innerHeight });
    window.addEventListener('resize', on);
    return () => window.removeEventListener('resize', on);
  }, []);
  const fit = Math.min((Math.min(view.w * 0.94, 1000) - 40) / w, (view.h * 0.86 - 200) / h);
  return fit >= 1 ? Math.max(1, Math.floor(fit)) : Math.max(fit, 0.05);
}

/** The mask in its colour, all of it or only the pixels a new piece of stroke can have changed (`near`). */
function drawMask(canvas: HTMLCanvasElement | null, plane: Float32Array, w: number, h: number, near?: { points: number[]; r: number }): void {
  const ctx = canvas?.getContext('2d');
  if (!ctx) return;
  let [x0, y0, x1, y1] = [0, 0, w, h];
  if (near) {
    const xs = near.points.filter((_, i) => i % 2 === 0).map((v) => v * w);
    const ys = near.points.filter((_, i) => i % 2 === 1).map((v) => v * h);
    x0 = Math.max(0, Math.floor(Math.min(...xs) - near.r - 1));
    y0 = Math.max(0, Math.floor(Math.min(...ys) - near.r - 1));
    x1 = Math.min(w, Math.ceil(Math.max(...xs) + near.r + 1));
    y1 = Math.min(h, Math.ceil(Math.max(...ys) + near.r + 1));
    if (x1 <= x0 || y1 <= y0) return;
  }
  const img = new ImageData(x1 - x0, y1 - y0);
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      if (plane[y * w + x] >= 0.5) img.data.set(MASK_RGBA, ((y - y0) * (x1 - x0) + x - x0) * 4);
    }
  }
  ctx.putImageData(img, x0, y0);
}
