import { beforeEach, describe, expect, it } from 'vitest';
import type { RunResult } from '../../engine/events.ts';
import { emptyGraph } from '../../graph/index.ts';
import { image } from '../../image/value.ts';
import { edit, openDoc, undo } from './graph.ts';
import { applyEvent, applyResult, engineRestarted, ownsResult, runStore, startRun } from './run.ts';

const result = (r: Partial<RunResult> & { runId: number }): RunResult =>
  ({ status: 'done', problems: [], nodes: {}, results: {}, ms: 5, ...r });

describe('run state', () => {
  beforeEach(() => engineRestarted());

  it('follows events, then takes the result as the final word', () => {
    applyEvent({ type: 'run-started', runId: 1, plan: ['a', 'b', 'c'] });
    applyEvent({ type: 'node-started', runId: 1, nodeId: 'c' });
    applyEvent({ type: 'node-progress', runId: 1, nodeId: 'c', step: 2, total: 4 });
    expect(runStore.get().nodes.c).toMatchObject({ status: 'running', step: 2, total: 4 });
    const img = image(2, 2, 3);
    applyResult(result({ runId: 1, nodes: { a: { state: 'done', ms: 0, cached: true }, b: { state: 'done', ms: 0, cached: true }, c: { state: 'done', ms: 3, cached: false } }, results: { c: { image: img } } }), emptyGraph());
    const s = runStore.get();
    expect(s.nodes.a.status).toBe('cached'); // planned, but a cached node downstream spared it (the executor says so)
    expect(s.nodes.b.status).toBe('cached');
    expect(s.nodes.c).toMatchObject({ status: 'done', ms: 3 });
    expect(s.images.c).toBe(img);
    expect(s.gallery[0].nodeId).toBe('c');
    expect(s.running).toBe(false);
  });

  it('keeps each step preview with what it shows; decoded ones collect as the filmstrip\'s frames of the node\'s latest run', () => {
    const colours = image(8, 8, 3);
    const decoded = [image(64, 64, 3), image(64, 64, 3)];
    const progress = (runId: number, step: number, preview?: { image: typeof colours; shows: 'latent' | 'decoded'; by?: string }) =>
      applyEvent({ type: 'node-progress', runId, nodeId: 'd', step, total: 4, preview });
    applyEvent({ type: 'run-started', runId: 1, plan: ['d'] });
    applyEvent({ type: 'node-started', runId: 1, nodeId: 'd' });
    progress(1, 1, { image: colours, shows: 'latent' });
    progress(1, 2, { image: decoded[0], shows: 'decoded', by: 'the VAE' });
    progress(1, 3);
    expect(runStore.get().nodes.d.preview).toEqual({ image: decoded[0], shows: 'decoded', by: 'the VAE', step: 2 }); // the last one stays between decodes
    progress(1, 4, { image: decoded[1], shows: 'decoded', by: 'the VAE' });
    applyEvent({ type: 'node-finished', runId: 1, nodeId: 'd', ms: 9, cached: false });
    expect(runStore.get().frames.d.map((f) => [f.step, f.image])).toEqual([[2, decoded[0]], [4, decoded[1]]]);
    expect(runStore.get().images.d).toBe(decoded[1]);
    expect(runStore.get().nodes.d.preview?.step).toBe(4);
    // A later run that finds it cached (maybe an older result): no frames, no caption.
    applyEvent({ type: 'run-started', runId: 2, plan: ['d'] });
    applyEvent({ type: 'node-finished', runId: 2, nodeId: 'd', ms: 0, cached: true });
    expect(runStore.get().frames.d).toBeUndefined();
    expect(runStore.get().nodes.d.preview).toBeUndefined();
    // A run that starts it again starts with none.
    runStore.set((st) => ({ ...st, frames: { d: [{ image: decoded[0], shows: 'decoded', step: 1 }] } }));
    applyEvent({ type: 'run-started', runId: 3, plan: ['d'] });
    applyEvent({ type: 'node-started', runId: 3, nodeId: 'd' });
    expect(runStore.get().frames.d).toBeUndefined();
  });

  it('drops events of a run that has already settled', () => {
    applyResult(result({ runId: 2, nodes: { a: { state: 'done', ms: 1, cached: false } } }), emptyGraph());
    applyEvent({ type: 'run-started', runId: 2, plan: ['a'] });
    expect(runStore.get().nodes.a.status).toBe('done');
  });

  it('puts the problems of a graph that cannot run on their nodes', () => {
    applyResult(result({ runId: 1, status: 'invalid', problems: [{ code: 'missing-input', node: 'x', message: 'input "image" is not connected' }] }), emptyGraph());
    expect(runStore.get().nodes.x).toMatchObject({ status: 'invalid', message: 'input "image" is not connected' });
    expect(runStore.get().summary).toContain('invalid');
  });

  it('keeps results through an undone edit, and clears them when the whole document is swapped or swapped back', () => {
    const img = image(2, 2, 3);
    applyResult(result({ runId: 3, nodes: { n1: { state: 'done', ms: 1, cached: false } }, results: { n1: { image: img } } }), emptyGraph());
    edit((d) => { d.nodes.push({ id: 'n9', type: 'image.gradient', version: 1, position: { x: 0, y: 0 }, params: {} }); });
    undo();
    expect(runStore.get().images.n1).toBe(img);
    openDoc(emptyGraph());
    expect(runStore.get().images.n1).toBeUndefined();
    applyResult(result({ runId: 4, nodes: { n1: { state: 'done', ms: 1, cached: false } }, results: { n1: { image: img } } }), emptyGraph());
    undo();
    expect(runStore.get().nodes.n1).toBeUndefined();
    expect(runStore.get().gallery.length).toBeGreaterThan(0); // the gallery keeps every result
  });

  it('a result belongs to the node of this document that made it, not to another node given the same id', () => {
    const img = image(2, 2, 3);
    const photo = { ...emptyGraph(), nodes: [{ id: 'n1', type: 'image.load', version: 1, position: { x: 0, y: 0 }, params: {} }] };
    applyResult(result({ runId: 5, nodes: { n1: { state: 'done', ms: 1, cached: false } }, results: { n1: { image: img } } }), photo);
    expect(ownsResult(runStore.get(), 'n1', 'image.load')).toBe(true);
    // Another example opens and a Resize is added: it gets the id n1 again.
    openDoc({ ...emptyGraph(), nodes: [{ id: 'n1', type: 'image.resize', version: 1, position: { x: 0, y: 0 }, params: {} }] });
    expect(ownsResult(runStore.get(), 'n1', 'image.resize')).toBe(false);
    expect(runStore.get().images.n1).toBeUndefined();
    // In one document: a node of another type under a reused id does not own the old result either.
    applyResult(result({ runId: 6, nodes: { n1: { state: 'done', ms: 1, cached: false } }, results: { n1: { image: img } } }), photo);
    expect(ownsResult(runStore.get(), 'n1', 'image.resize')).toBe(false);
  });

  it('numbers the gallery by the user\'s runs: engine run ids (step decodes) and engine restarts do not count', () => {
    const img = image(2, 2, 3);
    const before = runStore.get().runNumber;
    startRun();
    applyResult(result({ runId: 40, nodes: { o: { state: 'done', ms: 1, cached: false } }, results: { o: { image: img } } }), emptyGraph());
    engineRestarted();
    startRun();
    applyResult(result({ runId: 1, nodes: { o: { state: 'done', ms: 1, cached: false } }, results: { o: { image: img } } }), emptyGraph());
    const [newest, older] = runStore.get().gallery;
    expect(older.run).toBe(before + 1);
    expect(newest.run).toBe(before + 2);
  });
});
