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
import { NEW_NODE_SIZE, setCanvasGeometry, setPointer } from './placement.ts';
import { FIT_OPTIONS, readableViewport } from './readable.ts';
import { setViewportReader } from './viewport.ts';
import { edgeViews, nodeViews } from './view.ts';
import { wireDropped } from './wires.ts';

// Outside the component: a new object each render would remount every node.
const nodeTypes = { loom: LoomNode };
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
    () => flow.getNodes().map((n) => ({ id: n.id, x: n.position.x, y: n.position.y, width: n.measured?.width ?? NEW_NODE_SIZE.width, height: n.measured?.height ?? NEW_NODE_SIZE.height })),
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

  const nodes = useMemo(
    () => nodeViews(doc.nodes, { selected: new Set(selectedNodes), measured, dragging }, nodeCache),
    [doc.nodes, selectedNodes, measured, dragging, nodeCache],
  );
  const edges = useMemo(() => edgeViews(doc, new Set(selectedEdges), edgeCache), [doc, selectedEdges, edgeCache]);

  const onNodesChange = useCallback((changes: NodeChange<Node>[]) => {
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
    const picks = changes.filter((c) => c.type === 'select');
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
        onNodeContextMenu={(e, n) => { e.preventDefault(); patchUi({ menu: { x: e.clientX, y: e.clientY, target: { kind: 'node', id: n.id } } }); }}
        onEdgeContextMenu={(e, edge) => { e.preventDefault(); patchUi({ menu: { x: e.clientX, y: e.clientY, target: { kind: 'edge', id: edge.id } } }); }}
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
