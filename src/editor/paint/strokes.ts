// Edits of a strokes param (a painted mask): each stroke and each Clear is one undo step of the graph.
import { paramProblem, type Stroke } from '../../graph/index.ts';
import { registry } from '../catalog.ts';
import { withNodeNames } from '../names.ts';
import { edit, endGesture, getDoc } from '../store/graph.ts';
import { toast } from '../store/ui.ts';

/** The strokes a node's param holds now ([] for none, or for a value that is not a list). */
export function strokesOf(params: Record<string, unknown> | undefined, param: string): readonly Stroke[] {
  const v = params?.[param];
  return Array.isArray(v) ? (v as Stroke[]) : [];
}

/**
 * Adds a finished stroke, or refuses it with the param's own rule (too many strokes or points) named
 * by node and param. Coordinates are rounded to 1/10000 of a side, so files stay small.
 */
export function addStroke(nodeId: string, param: string, stroke: Stroke): boolean {
  const node = getDoc().nodes.find((n) => n.id === nodeId);
  const spec = node && registry.get(node.type)?.params[param];
  if (!node || !spec) return false;
  const rounded: Stroke = { mode: stroke.mode, size: round(stroke.size), points: stroke.points.map(round) };
  const why = paramProblem(spec, [...strokesOf(node.params, param), rounded]);
  if (why) {
    toast(withNodeNames(`node "${nodeId}": param "${param}" ${why}; the stroke was not kept (Clear, or use fewer, longer strokes)`, getDoc()), 'error');
    return false;
  }
  endGesture();
  edit((d) => {
    const n = d.nodes.find((x) => x.id === nodeId);
    if (!n) return;
    if (!Array.isArray(n.params[param])) n.params[param] = [];
    (n.params[param] as Stroke[]).push(rounded);
  });
  return true;
}

/** Removes every stroke, in one step. */
export function clearStrokes(nodeId: string, param: string): void {
  endGesture();
  edit((d) => {
    const n = d.nodes.find((x) => x.id === nodeId);
    const v = n?.params[param];
    if (n && !(Array.isArray(v) && v.length === 0)) n.params[param] = [];
  });
}

function round(v: number): number {
  return Math.round(v * 10000) / 10000;
}
