// The selected node: its params with room to edit, its latest outputs, and its step previews.
import { useEffect, useState } from 'react';
import { registry } from '../catalog.ts';
import { nodeOutputs } from '../engine/session.ts';
import { requestRun } from '../engine/runner.ts';
import { exportPng } from '../files/graphFile.ts';
import { NodeImages } from '../images/ImageCanvas.tsx';
import { StepScrubber, stepPreviews } from '../images/StepScrubber.tsx';
import { setTitle, toggleBypass } from '../edit/ops.ts';
import { endGesture, getDoc, useDoc, useGraphNode } from '../store/graph.ts';
import { isImage, type ImageValue } from '../../image/value.ts';
import { isMask, maskToImage } from '../../image/mask.ts';
import { ownsResult, runStore, useNodeRun } from '../store/run.ts';
import { useStore } from '../store/createStore.ts';
import { patchUi, setCollapsed, useUi } from '../store/ui.ts';
import { ParamList } from './ParamList.tsx';
import { withNodeNames } from '../names.ts';

export function Inspector() {
  const selected = useUi((s) => s.selectedNodes);
  const folded = useUi((s) => s.collapsed.inspector);
  if (folded) {
    return (
      <aside className="inspector folded" data-testid="inspector" data-collapsed="true">
        <button type="button" className="fold" data-testid="inspector-toggle" aria-expanded={false} title="Show the inspector" onClick={() => setCollapsed('inspector', false)}>◂ Inspector</button>
      </aside>
    );
  }
  return (
    <aside className="inspector" data-testid="inspector" data-collapsed="false">
      <button type="button" className="fold" data-testid="inspector-toggle" aria-expanded title="Hide the inspector" onClick={() => setCollapsed('inspector', true)}>▸</button>
      {selected.length === 1 ? <NodeInspector id={selected[0]} key={selected[0]} />
        : selected.length > 1 ? <p className="muted">{selected.length} nodes selected</p> : <GraphPrompts />}
    </aside>
  );
}

/**
 * With nothing selected: the graph's prompts, ready to edit, so the words and the result are both in
 * sight however the canvas is panned.
 */
function GraphPrompts() {
  const prompts = useDoc((d) => d.nodes.filter((n) => n.type === 'core.prompt').map((n) => n.id).join(' '));
  const ids = prompts ? prompts.split(' ') : [];
  return (
    <div data-testid="graph-prompts">
      <p className="muted">Select a node to edit its params.</p>
      {ids.map((id) => <PromptFields key={id} id={id} />)}
    </div>
  );
}

function PromptFields({ id }: { id: string }) {
  const node = useGraphNode(id);
  const def = node && registry.get(node.type);
  if (!node || !def) return null;
  return (
    <section className="graph-prompt" data-node-id={id}>
      <h3>{node.title ?? def.title}</h3>
      <ParamList node={node} def={def} />
    </section>
  );
}

function NodeInspector({ id }: { id: string }) {
  const node = useGraphNode(id);
  const run = useNodeRun(id);
  const def = node && registry.get(node.type);
  if (!node) return null;
  if (!def) {
    return (
      <div>
        <h2 data-testid="inspector-title">{node.title ?? node.type} <small>{id}</small></h2>
        <p className="error">This app has no node type “{node.type}” (a file from a newer version, or from another tool). It is kept as it is, with its params; it cannot run, and nothing that needs it can. Delete it or replace it with a node that does the same.</p>
      </div>
    );
  }
  return (
    <div>
      <h2 data-testid="inspector-title">{node.title ?? def.title} <small>{id}</small></h2>
      <p className="muted">{def.type} · {def.category}{def.description ? ` — ${def.description}` : ''}</p>
      <label className="param">
        <span className="param-name">title</span>
        <input type="text" data-testid="node-title-input" value={node.title ?? ''} placeholder={def.title}
          onChange={(e) => setTitle(id, e.target.value)} onBlur={endGesture} />
      </label>
      <label className="param">
        <span className="param-name">bypass</span>
        <input type="checkbox" data-testid="bypass" checked={!!node.bypass} onChange={() => toggleBypass([id])}
          title="A bypassed node does not run: each output passes on its first input of the same type (Ctrl+B)" />
      </label>
      {run?.message && <p className="error" data-testid="inspector-message">{withNodeNames(run.message, getDoc())}</p>}
      <ParamList node={node} def={def} />
      <button type="button" data-testid="inspector-run-to" onClick={() => requestRun([id])}>Run to here</button>
      {node.bypass ? <p className="muted">Bypassed: it does not run, so it has no outputs of its own.</p> : <NodeOutputs id={id} type={node.type} />}
    </div>
  );
}

/**
 * Fetches the node's outputs from the engine after each run, only when this node of this document made
 * them: the engine knows node ids, and another graph (or a deleted node) may have used the same id.
 */
function NodeOutputs({ id, type }: { id: string; type: string }) {
  const runs = useStore(runStore, (s) => s.finishedRuns);
  const owned = useStore(runStore, (s) => ownsResult(s, id, type));
  const [outputs, setOutputs] = useState<Record<string, unknown> | undefined>();
  useEffect(() => {
    setOutputs(undefined);
    if (!owned) return;
    let live = true;
    nodeOutputs(id).then((o) => live && setOutputs(o), () => live && setOutputs(undefined));
    return () => { live = false; };
  }, [id, runs, owned]);
  if (!outputs) return null;
  const steps = stepPreviews(outputs);
  // A mask is shown as the grey image it is (white: the area to change).
  const images = Object.entries(outputs).flatMap(([port, v]): [string, ImageValue, boolean][] =>
    (isImage(v) ? [[port, v, false]] : isMask(v) ? [[port, maskToImage(v), true]] : []));
  return (
    <section className="outputs-section" data-testid="inspector-outputs">
      <h3>Outputs</h3>
      {images.map(([port, img, mask]) => (
        <div key={port}>
          <div className="muted">{port}: {mask ? 'mask ' : ''}{img.width}×{img.height}{img.batch > 1 ? ` ×${img.batch}` : ''}</div>
          <NodeImages image={img} testId={mask ? 'inspector-mask' : 'inspector-image'} onEnlarge={(item) => patchUi({ enlarged: { image: img, item, title: `${id} · ${port}` } })} />
          <button type="button" data-testid="inspector-export-png" onClick={() => void exportPng(img, getDoc(), `${id}-${port}.png`, 0, id)}>Save PNG with graph</button>
        </div>
      ))}
      {steps && <StepScrubber nodeId={id} previews={steps.previews} numbers={steps.numbers} />}
    </section>
  );
}
