// What happens when a wire is let go: connect it, say why it is refused, or (on empty canvas) open the search.
import type { FinalConnectionState, InternalNode } from '@xyflow/react';
import type { PortRef } from '../../graph/index.ts';
import { own } from '../../graph/text.ts';
import { registry } from '../catalog.ts';
import { connect, deleteItems, rewire } from '../edit/ops.ts';
import { getDoc } from '../store/graph.ts';
import { patchUi, toast } from '../store/ui.ts';
import { withNodeNames } from '../names.ts';

type Point = { x: number; y: number };

export function wireDropped(
  event: MouseEvent | TouchEvent, state: FinalConnectionState<InternalNode>, toFlow: (p: Point) => Point,
): void {
  const { fromHandle, toHandle } = state;
  if (!fromHandle?.id) return;
  const screen = pointer(event);
  const fromRef: PortRef = { node: fromHandle.nodeId, port: fromHandle.id };
  // Dragging from an input that has a wire picks that wire up (as in ComfyUI): move it, or drop it to detach.
  const held = fromHandle.type === 'target'
    ? getDoc().edges.find((e) => e.to.node === fromRef.node && e.to.port === fromRef.port)
    : undefined;
  if (held) {
    if (!toHandle?.id) return deleteItems([], [held.id]);
    const to: PortRef = { node: toHandle.nodeId, port: toHandle.id };
    const v = toHandle.type === 'target' ? rewire(held.id, held.from, to) : rewire(held.id, to, fromRef);
    if (!v.ok) toast(withNodeNames(v.reason, getDoc()), 'error', screen);
    return;
  }
  if (toHandle?.id) {
    if (toHandle.nodeId === fromHandle.nodeId && toHandle.id === fromHandle.id && toHandle.type === fromHandle.type) return;
    if (toHandle.type === fromHandle.type) {
      toast(`cannot wire ${toHandle.type === 'source' ? 'an output to an output' : 'an input to an input'}`, 'error', screen);
      return;
    }
    const toRef: PortRef = { node: toHandle.nodeId, port: toHandle.id };
    const [from, to] = fromHandle.type === 'source' ? [fromRef, toRef] : [toRef, fromRef];
    const v = connect(from, to);
    if (!v.ok) toast(withNodeNames(v.reason, getDoc()), 'error', screen);
    return;
  }
  const type = portTypeOf(fromRef, fromHandle.type);
  if (!type) return;
  patchUi({ palette: { at: toFlow(screen), pending: { ...fromRef, side: fromHandle.type, type } } });
}

function portTypeOf(ref: PortRef, side: 'source' | 'target'): string | undefined {
  const node = getDoc().nodes.find((n) => n.id === ref.node);
  const def = node && registry.get(node.type);
  return def ? own(def[side === 'source' ? 'outputs' : 'inputs'], ref.port)?.type : undefined;
}

function pointer(event: MouseEvent | TouchEvent): Point {
  const p = 'changedTouches' in event ? event.changedTouches[0] : event;
  return { x: p.clientX, y: p.clientY };
}
