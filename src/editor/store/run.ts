// Run state, apart from the undoable graph: statuses, progress, previews and images by node id.
// An undone edit keeps every preview and result; swapping the whole document (opening a file or an
// example, or undoing that) clears them, since they belong to the other graph's node ids.
import { isImage, type ImageValue } from '../../image/value.ts';
import type { NodeOutcome, RunEvent, RunResult } from '../../engine/events.ts';
import type { Preview } from '../../kernel/define.ts';
import type { GraphDoc } from '../../graph/index.ts';
import { createStore, useStore } from './createStore.ts';
import { graphStore } from './graph.ts';
import { withNodeNames } from '../names.ts';

export type NodeStatus = 'queued' | 'running' | 'cached' | 'done' | 'failed' | 'skipped' | 'cancelled' | 'invalid';

export interface NodeRun {
  status: NodeStatus;
  step?: number;
  total?: number;
  ms?: number;
  message?: string;
  /** onnxruntime's own text behind a failure's message, for whoever wants it (shown on hover). */
  details?: string;
  /** The latest preview it sent while running, and of which step. */
  preview?: StepFrame;
}

/** A preview of one step (1-based, as the node counts its progress): the latent as colours, or decoded. */
export interface StepFrame extends Preview { step: number }

/** `run` counts the user's runs in this editor (1, 2, …): step decodes and engine restarts do not change it. */
export interface GalleryItem { key: string; nodeId: string; runId: number; run: number; image: ImageValue; doc: GraphDoc; at: number; ms: number }

export interface RunState {
  nodes: Record<string, NodeRun>;
  /** The latest image each node produced, kept across runs and edits. */
  images: Record<string, ImageValue>;
  /** The document each node's latest result image was made with (Save Image embeds it). */
  docs: Record<string, GraphDoc>;
  running: boolean;
  plan: string[];
  summary: string;
  gallery: GalleryItem[];
  /** Bumped after each run, so views that fetch outputs know to fetch again. */
  finishedRuns: number;
  /** The user's runs started in this editor, for the gallery's "run N". */
  runNumber: number;
  /**
   * The node type each node id had when its result came: a result belongs to that node of this document
   * only. A node deleted and another added under the same id (or another document's) does not show it.
   */
  owners: Record<string, string>;
  /**
   * The decoded previews each node sent in its latest run, by step, for the filmstrip. A node that
   * starts again, or whose result comes from the cache (maybe an older run's), starts with none.
   */
  frames: Record<string, StepFrame[]>;
}

export const runStore = createStore<RunState>({
  nodes: {}, images: {}, docs: {}, running: false, plan: [], summary: '', gallery: [], finishedRuns: 0, runNumber: 0, owners: {}, frames: {},
});

const TERMINAL = new Set<NodeStatus>(['cached', 'done', 'failed', 'skipped', 'cancelled', 'invalid']);

function setNode(id: string, run: NodeRun): void {
  runStore.set((s) => ({ ...s, nodes: { ...s.nodes, [id]: run } }));
}

function setFrames(id: string, frames: StepFrame[] | undefined): void {
  runStore.set((s) => {
    if (!frames && !s.frames[id]) return s;
    const next = { ...s.frames };
    if (frames) next[id] = frames;
    else delete next[id];
    return { ...s, frames: next };
  });
}

export function startRun(): void {
  runStore.set((s) => ({ ...s, running: true, summary: 'starting…', runNumber: s.runNumber + 1 }));
}

/** Events travel on their own channel and may arrive after the run's result: those of settled runs are dropped. */
let settledRun = 0;
let galleryKeys = 0;

export function applyEvent(e: RunEvent): void {
  if (e.runId <= settledRun) return;
  const prev = runStore.get().nodes;
  switch (e.type) {
    case 'run-started': {
      const nodes = { ...prev };
      for (const id of e.plan) nodes[id] = { status: 'queued' };
      runStore.set((s) => ({ ...s, nodes, plan: e.plan, running: true, summary: `running ${e.plan.length} nodes` }));
      return;
    }
    case 'node-started':
      setFrames(e.nodeId, undefined);
      return setNode(e.nodeId, { status: 'running' });
    case 'node-progress': {
      const frame = e.preview && { ...e.preview, step: e.step };
      setNode(e.nodeId, { ...prev[e.nodeId], status: 'running', step: e.step, total: e.total, preview: frame ?? prev[e.nodeId]?.preview });
      if (frame) {
        runStore.set((s) => ({
          ...s, images: { ...s.images, [e.nodeId]: frame.image },
          frames: frame.shows === 'decoded' ? { ...s.frames, [e.nodeId]: [...(s.frames[e.nodeId] ?? []), frame] } : s.frames,
        }));
      }
      return;
    }
    case 'node-finished':
      if (e.cached) setFrames(e.nodeId, undefined);
      return setNode(e.nodeId, { status: e.cached ? 'cached' : 'done', ms: e.ms, preview: e.cached ? undefined : prev[e.nodeId]?.preview });
    case 'node-failed': return setNode(e.nodeId, { status: 'failed', message: e.message, details: e.details });
    case 'node-skipped': return setNode(e.nodeId, { status: 'skipped', message: e.because });
    case 'node-cancelled': return setNode(e.nodeId, { status: 'cancelled' });
    case 'run-finished':
      runStore.set((s) => ({ ...s, running: false, summary: `${e.status} in ${Math.round(e.ms)} ms` }));
  }
}

/** Images of the run's output nodes go on their nodes and into the session gallery. */
export function applyResult(result: RunResult, doc: GraphDoc): void {
  settledRun = Math.max(settledRun, result.runId);
  runStore.set((s) => {
    const nodes = { ...s.nodes };
    for (const [id, o] of Object.entries(result.nodes)) nodes[id] = outcomeRun(o, s.nodes[id]);
    const images = { ...s.images };
    const docs = { ...s.docs };
    const owners = { ...s.owners };
    for (const [id, o] of Object.entries(result.nodes)) {
      const type = doc.nodes.find((n) => n.id === id)?.type;
      if (type) owners[id] = type;
    }
    const gallery = [...s.gallery];
    for (const [nodeId, outputs] of Object.entries(result.results)) {
      for (const value of Object.values(outputs)) {
        if (!isImage(value)) continue;
        images[nodeId] = value;
        docs[nodeId] = doc;
        if (nodes[nodeId]?.status !== 'cached') gallery.unshift({ key: `${Date.now().toString(36)}-${++galleryKeys}`, nodeId, runId: result.runId, run: s.runNumber, image: value, doc, at: Date.now(), ms: result.ms });
        break;
      }
    }
    // A graph that cannot run: each problem goes on the node it names (older ones are cleared first).
    for (const id of Object.keys(nodes)) if (nodes[id].status === 'invalid') delete nodes[id];
    for (const p of result.problems) {
      if (!p.node) continue;
      const prev = nodes[p.node]?.status === 'invalid' ? `${nodes[p.node].message}\n` : '';
      nodes[p.node] = { status: 'invalid', message: `${prev}${p.message}` };
    }
    const problems = result.problems.map((p) => withNodeNames(p.message, doc)).join('; ');
    const summary = result.status === 'invalid' ? `invalid: ${problems}` : `${result.status} in ${Math.round(result.ms)} ms`;
    return { ...s, nodes, images, docs, owners, gallery: gallery.slice(0, 48), running: false, summary, finishedRuns: s.finishedRuns + 1 };
  });
}

/** The result's outcome is the final word on a node; its preview stays, unless its result came from the cache. */
function outcomeRun(o: NodeOutcome, prev: NodeRun | undefined): NodeRun {
  const preview = prev?.preview;
  switch (o.state) {
    case 'done': return { status: o.cached ? 'cached' : 'done', ms: o.ms, preview: o.cached ? undefined : preview };
    case 'failed': return { status: 'failed', message: o.message, details: o.details, preview };
    case 'skipped': return { status: 'skipped', message: o.because, preview };
    case 'cancelled': return { status: 'cancelled', preview };
  }
}

/** A new engine counts its runs from one again and has an empty cache; the images stay. */
/** A new engine has an empty cache: statuses saying what is cached go. `keepFailures` keeps failed and skipped ones and the summary. */
export function engineRestarted(keepFailures = false): void {
  settledRun = 0;
  runStore.set((s) => ({
    ...s, plan: [], running: false, summary: keepFailures ? s.summary : '',
    nodes: keepFailures ? Object.fromEntries(Object.entries(s.nodes).filter(([, n]) => n.status === 'failed' || n.status === 'skipped')) : {},
  }));
}

function resetRunState(): void {
  runStore.set((s) => ({ ...s, nodes: {}, images: {}, docs: {}, owners: {}, frames: {}, plan: [], summary: '' }));
}

let seenLoads = graphStore.get().loads;
graphStore.subscribe(() => {
  const { loads } = graphStore.get();
  if (loads === seenLoads) return;
  seenLoads = loads;
  resetRunState();
});

export const useNodeRun = (id: string): NodeRun | undefined => useStore(runStore, (s) => s.nodes[id]);
/** The decoded previews a node sent in its latest run (empty when none). */
export const useNodeFrames = (id: string): StepFrame[] | undefined => useStore(runStore, (s) => s.frames[id]);
/** The node's latest image, when it was made by this node: same id and type, in this document. */
export const useNodeImage = (id: string, type?: string): ImageValue | undefined =>
  useStore(runStore, (s) => (type === undefined || s.owners[id] === type || s.nodes[id]?.status === 'running' ? s.images[id] : undefined));

/** Whether the engine's latest outputs under this id are this node's: it ran (or was cached) in this document as this type. */
export function ownsResult(s: RunState, id: string, type: string): boolean {
  const status = s.nodes[id]?.status;
  return (status === 'done' || status === 'cached') && s.owners[id] === type;
}

/** Overall progress in [0, 1]: finished nodes, plus the running node's step fraction. */
export function useProgress(): number {
  return useStore(runStore, (s) => {
    if (s.plan.length === 0) return 0;
    let done = 0;
    for (const id of s.plan) {
      const n = s.nodes[id];
      if (!n) continue;
      if (TERMINAL.has(n.status)) done += 1;
      else if (n.status === 'running' && n.total) done += (n.step ?? 0) / n.total;
    }
    return done / s.plan.length;
  });
}
