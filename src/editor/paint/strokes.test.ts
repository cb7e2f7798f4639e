// Strokes in the graph's history: each one, and each Clear, one undo step; one over the param's limits refused by name.
import { beforeEach, describe, expect, it } from 'vitest';
import { emptyGraph, type Stroke } from '../../graph/index.ts';
import { registry } from '../catalog.ts';
import { getDoc, redo, replaceDoc, undo } from '../store/graph.ts';
import { uiStore } from '../store/ui.ts';
import { addStroke, clearStrokes, strokesOf } from './strokes.ts';

const dab = (x: number): Stroke => ({ mode: 'brush', size: 0.123456, points: [x, 0.5] });
const strokes = () => strokesOf(getDoc().nodes[0].params, 'strokes');

describe('painting strokes', () => {
  beforeEach(() => replaceDoc({ ...emptyGraph(), nodes: [{ id: 'm', type: 'mask.paint', version: 1, position: { x: 0, y: 0 }, params: { strokes: [] }, title: 'My mask' }] }));

  it('adds each stroke as one undo step, rounded to 1/10000, and clears them all in one', () => {
    expect(addStroke('m', 'strokes', dab(0.1))).toBe(true);
    expect(addStroke('m', 'strokes', { mode: 'erase', size: 0.05, points: [0.2, 0.3, 0.444444, 0.5] })).toBe(true);
    expect(strokes()).toEqual([{ mode: 'brush', size: 0.1235, points: [0.1, 0.5] }, { mode: 'erase', size: 0.05, points: [0.2, 0.3, 0.4444, 0.5] }]);
    undo();
    expect(strokes()).toHaveLength(1);
    redo();
    expect(strokes()).toHaveLength(2);
    clearStrokes('m', 'strokes');
    expect(strokes()).toEqual([]);
    undo();
    expect(strokes()).toHaveLength(2);
  });

  it('refuses a stroke past the limits, saying which node and param', () => {
    const spec = registry.get('mask.paint')!.params.strokes;
    if (spec.kind !== 'strokes') throw new Error('strokes param expected');
    replaceDoc({ ...getDoc(), nodes: [{ ...getDoc().nodes[0], params: { strokes: Array.from({ length: spec.maxStrokes }, (_, i) => dab(i / spec.maxStrokes)) } }] });
    expect(addStroke('m', 'strokes', dab(0.5))).toBe(false);
    expect(strokes()).toHaveLength(spec.maxStrokes);
    expect(uiStore.get().toasts.at(-1)?.text).toContain(`My mask (m): param "strokes" has ${spec.maxStrokes + 1} strokes, at most ${spec.maxStrokes} fit`);
  });
});
