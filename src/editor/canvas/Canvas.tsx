// The node canvas: React Flow, controlled by the document store and the selection in the UI store.
import {
  Background, BackgroundVariant, Controls, MiniMap, ReactFlow, useReactFlow,
  type Connection, type Edge, type EdgeChange, type Node, type NodeChange,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState, type DragEvent, type MouseEvent as ReactMouseEvent } from 'react';
import { checkConnection, type GraphEdge } from '../../graph/index.ts';
import { categoryColour, registry } from '../catalog.ts';
import { moveNodes } from '../edit/ops.ts';
import { setScreenToFlow } from '../edit/shortcuts.ts';
import { dropFile } from './dropFile.ts';
import { useStore } from '../store/createStore.ts';
import { getDoc, graphStore, useDoc } from '../store/graph.ts';
import { patchUi, uiStore, useUi } from '../store/ui.ts';
import { LoomNode } from './LoomNode.tsx';
import { GroupBox } from './GroupBox.tsx';
import { GROUP_PREFIX, groupMembers } from '../edit/groups.ts';
import { NEW_NODE_SIZE, setCanvasGeometry, setPointer } from './placement.ts';
import { FIT_OPTIONS, readableViewport } from './readable.ts';
import { setViewportReader } from './viewport.ts';
import { edgeViews, nodeViews } from './view.ts';
import { wireDropped } from './wires.ts';

// Outside the component: a new object each render would remount every node.
const nodeTypes = { loom: LoomNode, loomGroup: GroupBox };
const GRID: [number, number] = [16, 16];
/** Node types whose results the run shows: a view that cannot hold the whole graph keeps them in sight. */
const outputTypes = new Set(registry.all().filter((d) => d.output).map((d) => d.type));

function minimapColour(n: Node): string {
  const type = getDoc().nodes.find((g) => g.id === n.id)?.type;
  const def = type ? registry.get(type) : undefined;
  return def ? categoryColour(def.category) : '#555';
}

export function Canvas() {
  const doc = useDoc((d) => d);
  const selectedNodes = useUi((s) => s.selectedNodes);
  const selectedEdges = useUi((s) => s.selectedEdges);
  const [measured, setMeasured] = useState(() => new Map<string, { width: number; height: number }>());
  const [dragging, setDragging] = useState(() => new Map<string, { x: number; y: number }>());
  const dragRef = useRef(new Map<string, { x: number; y: number }>()).current;
  const nodeCache = useRef(new Map()).current;
  const edgeCache = useRef(new Map()).current;
  const flow = useReactFlow();
  useEffect(() => setScreenToFlow((p) => flow.screenToFlowPosition(p)), [flow]);
  useEffect(() => setCanvasGeometry(
    () => flow.getNodes().filter((n) => !n.id.startsWith(GROUP_PREFIX)).map((n) => ({ id: n.id, x: n.position.x, y: n.position.y, width: n.measured?.width ?? NEW_NODE_SIZE.width, height: n.measured?.height ?? NEW_NODE_SIZE.height })),
    (p) => flow.screenToFlowPosition(p),
  ), [flow]);
  const loads = useStore(graphStore, (s) => s.loads);
  useEffect(() => setViewportReader(() => flow.getViewport()), [flow]);
  const box = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (loads < 1) return;
    // A saved file reopens where its author was looking; the first graph and an example (saved without a view) are fitted.
    const saved = loads > 1 ? getDoc().viewport : undefined;
    if (saved) { void flow.setViewport(saved); return; }
    // Fit once React Flow has measured the new nodes.
    let frames = 0;
    const fit = () => {
      const all = flow.getNodes();
      if (all.some((n) => !n.measured?.width) && frames++ < 60) { raf = requestAnimationFrame(fit); return; }
      const rect = box.current?.getBoundingClientRect();
      if (!rect || all.length === 0) return;
      const outputs = all.filter((n) => outputTypes.has(getDoc().nodes.find((g) => g.id === n.id)?.type ?? ''));
      void flow.setViewport(readableViewport(flow.getNodesBounds(all), outputs.length ? flow.getNodesBounds(outputs) : null, rect));
    };
    let raf = requestAnimationFrame(fit);
    return () => cancelAnimationFrame(raf);
  }, [loads, flow]);

  // Groups: boxes behind the nodes, keyed "group:<id>"; live size while resized, live place while dragged.
  const [groupSel, setGroupSel] = useState<ReadonlySet<string>>(() => new Set());
  const [resizing, setResizing] = useState(() => new Map<string, { x?: number; y?: number; width?: number; height?: number }>());
  const groupDrag = useRef(new Map<string, { start: { x: number; y: number }; members: Map<string, { x: number; y: number }> }>()).current;
  const groups = useMemo(() => (doc.groups ?? []).map((g): Node => {
    const id = `${GROUP_PREFIX}${g.id}`;
    const live = resizing.get(id);
    const at = dragging.get(id) ?? (live?.x !== undefined && live.y !== undefined ? { x: live.x, y: live.y } : g.position);
    return { id, type: 'loomGroup', position: at, data: { groupId: g.id }, width: live?.width ?? g.width, height: live?.height ?? g.height,
      zIndex: -1, dragHandle: '.group-header', selected: groupSel.has(id) };
  }), [doc.groups, dragging, resizing, groupSel]);
  const nodes = useMemo(
    () => [...groups, ...nodeViews(doc.nodes, { selected: new Set(selectedNodes), measured, dragging }, nodeCache)],
    [groups, doc.nodes, selectedNodes, measured, dragging, nodeCache],
  );
  const edges = useMemo(() => edgeViews(doc, new Set(selectedEdges), edgeCache), [doc, selectedEdges, edgeCache]);

  const onNodesChange = useCallback((all: NodeChange<Node>[]) => {
    const isGroup = (c: NodeChange<Node>) => 'id' in c && c.id.startsWith(GROUP_PREFIX);
    // A group being resized follows the pointer; the resize is saved once, when it ends (GroupBox).
    const resize = all.filter((c) => isGroup(c) && ((c.type === 'dimensions' && c.resizing !== undefined) || (c.type === 'position' && c.dragging === undefined)));
    if (resize.length) {
      const ended = resize.some((c) => c.type === 'dimensions' && c.resizing === false);
      setResizing((m) => {
        const next = new Map(m);
        for (const c of resize) {
          if (!('id' in c)) continue;
          if (ended) { next.delete(c.id); continue; }
          const cur = { ...next.get(c.id) };
          if (c.type === 'dimensions' && c.dimensions) Object.assign(cur, c.dimensions);
          if (c.type === 'position' && c.position) Object.assign(cur, c.position);
          next.set(c.id, cur);
        }
        return next;
      });
    }
    const groupPicks = all.filter((c) => isGroup(c) && c.type === 'select');
    if (groupPicks.length) {
      setGroupSel((s) => {
        const next = new Set(s);
        for (const c of groupPicks) if (c.type === 'select') c.selected ? next.add(c.id) : next.delete(c.id);
        return next;
      });
    }
    // A dragged group brings the nodes it holds (taken when the drag starts).
    for (const c of all) {
      if (!isGroup(c) || c.type !== 'position' || c.dragging === undefined || !c.position) continue;
      let drag = groupDrag.get(c.id);
      if (!drag) {
        const g = getDoc().groups?.find((x) => `${GROUP_PREFIX}${x.id}` === c.id);
        if (!g) continue;
        const members = new Map(groupMembers(getDoc(), g).map((id) => [id, getDoc().nodes.find((n) => n.id === id)!.position]));
        drag = { start: g.position, members };
        groupDrag.set(c.id, drag);
      }
      const dx = c.position.x - drag.start.x;
      const dy = c.position.y - drag.start.y;
      for (const [id, p] of drag.members) dragRef.set(id, { x: p.x + dx, y: p.y + dy });
      if (!c.dragging) groupDrag.delete(c.id);
    }
    const changes = all.filter((c) => !isGroup(c) || (c.type === 'position' && c.dragging !== undefined));
    const sizes = changes.filter((c) => c.type === 'dimensions' && c.dimensions);
    if (sizes.length) {
      setMeasured((m) => {
        const next = new Map(m);
        for (const c of sizes) if (c.type === 'dimensions' && c.dimensions) next.set(c.id, c.dimensions);
        return next;
      });
    }
    const moves = changes.filter((c) => c.type === 'position');
    if (moves.length) {
      const ended = moves.some((c) => c.type === 'position' && !c.dragging);
      for (const c of moves) if (c.type === 'position' && c.position) dragRef.set(c.id, c.position);
      // A drag is one undo step: the document changes once, when it ends.
      if (ended) {
        moveNodes(Object.fromEntries(dragRef));
        dragRef.clear();
      }
      setDragging(new Map(dragRef));
    }
    const picks = changes.filter((c) => c.type === 'select' && !isGroup(c));
    if (picks.length) {
      const sel = new Set(uiStore.get().selectedNodes);
      for (const c of picks) if (c.type === 'select') c.selected ? sel.add(c.id) : sel.delete(c.id);
      patchUi({ selectedNodes: [...sel] });
    }
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange<Edge>[]) => {
    const sel = new Set(uiStore.get().selectedEdges);
    let touched = false;
    for (const c of changes) if (c.type === 'select') { touched = true; c.selected ? sel.add(c.id) : sel.delete(c.id); }
    if (touched) patchUi({ selectedEdges: [...sel] });
  }, []);

  const isValidConnection = useCallback((c: Connection | Edge) => {
    if (!c.sourceHandle || !c.targetHandle) return false;
    // A wire into an input that has one replaces it: the old wire does not count against the new one.
    const doc = getDoc();
    const into = (e: GraphEdge) => e.to.node === c.target && e.to.port === c.targetHandle;
    return checkConnection({ ...doc, edges: doc.edges.filter((e) => !into(e)) }, registry, { node: c.source, port: c.sourceHandle }, { node: c.target, port: c.targetHandle }).ok;
  }, []);

  const onConnectEnd = useCallback<NonNullable<Parameters<typeof ReactFlow>[0]['onConnectEnd']>>(
    (event, state) => wireDropped(event, state, (p) => flow.screenToFlowPosition(p)), [flow],
  );

  const onDoubleClick = (e: ReactMouseEvent) => {
    if (!(e.target as Element).classList.contains('react-flow__pane')) return;
    patchUi({ palette: { at: flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }) } });
  };
  const [dropping, setDropping] = useState(false);
  const onDragOver = (e: DragEvent) => {
    if (![...e.dataTransfer.types].includes('Files')) return;
    e.preventDefault();
    setDropping(true);
  };
  const onDrop = (e: DragEvent) => {
    setDropping(false);
    const file = e.dataTransfer.files[0];
    if (!file) return;
    e.preventDefault();
    void dropFile(file, flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }));
  };

  return (
    <div ref={box} className={`canvas ${dropping ? 'drop-target' : ''}`} data-testid="canvas" onDoubleClick={onDoubleClick}
      onMouseMove={(e) => setPointer({ x: e.clientX, y: e.clientY }, !!(e.target as Element).closest?.('.react-flow__pane, .react-flow__node'))}
      onMouseLeave={() => setPointer(null)}
      onDragOver={onDragOver} onDragLeave={(e) => !e.currentTarget.contains(e.relatedTarget as Element | null) && setDropping(false)} onDrop={onDrop}>
      <ReactFlow
        nodes={nodes} edges={edges} nodeTypes={nodeTypes}
        onNodesChange={onNodesChange} onEdgesChange={onEdgesChange}
        onConnectEnd={onConnectEnd} isValidConnection={isValidConnection}
        onPaneContextMenu={(e) => { e.preventDefault(); patchUi({ menu: { x: e.clientX, y: e.clientY, target: { kind: 'pane', at: flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }) } } }); }}
        onNodeContextMenu={(e, n) => {
          e.preventDefault();
          const target = n.id.startsWith(GROUP_PREFIX) ? { kind: 'group' as const, id: n.id.slice(GROUP_PREFIX.length) } : { kind: 'node' as const, id: n.id };
          patchUi({ menu: { x: e.clientX, y: e.clientY, target } });
        }}
        onEdgeContextMenu={(e, edge) => { e.preventDefault(); patchUi({ menu: { x: e.clientX, y: e.clientY, target: { kind: 'edge', id: edge.id, at: flow.screenToFlowPosition({ x: e.clientX, y: e.clientY }) } } }); }}
        snapToGrid snapGrid={GRID} zoomOnDoubleClick={false} deleteKeyCode={null} selectionKeyCode="Shift"
        multiSelectionKeyCode={['Control', 'Meta']} minZoom={0.1} colorMode="dark" proOptions={{ hideAttribution: true }}
      >
        <Background variant={BackgroundVariant.Dots} gap={GRID[0]} />
        <MiniMap pannable zoomable nodeColor={minimapColour} data-testid="minimap" />
        <Controls data-testid="controls" fitViewOptions={FIT_OPTIONS} />
      </ReactFlow>
    </div>
  );
}
