// The selected node: its params with room to edit, its latest outputs, and its step previews.
import { useEffect, useState } from 'react';
import { registry } from '../catalog.ts';
import { nodeOutputs, runGraph } from '../engine/session.ts';
import { exportPng } from '../files/graphFile.ts';
import { ImageBatch } from '../images/ImageCanvas.tsx';
import { StepScrubber, stepPreviews } from '../images/StepScrubber.tsx';
import { setTitle, toggleBypass } from '../edit/ops.ts';
import { endGesture, getDoc, useGraphNode } from '../store/graph.ts';
import { isImage } from '../../image/value.ts';
import { runStore, useNodeRun } from '../store/run.ts';
import { useStore } from '../store/createStore.ts';
import { useUi } from '../store/ui.ts';
import { ParamList } from './ParamList.tsx';

export function Inspector() {
  const selected = useUi((s) => s.selectedNodes);
  return (
    <aside className="inspector" data-testid="inspector">
      {selected.length === 1 ? <NodeInspector id={selected[0]} key={selected[0]} />
        : <p className="muted">{selected.length > 1 ? `${selected.length} nodes selected` : 'Select a node to edit its params.'}</p>}
    </aside>
  );
}

function NodeInspector({ id }: { id: string }) {
  const node = useGraphNode(id);
  const run = useNodeRun(id);
  const def = node && registry.get(node.type);
  if (!node || !def) return null;
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
      {run?.message && <p className="error" data-testid="inspector-message">{run.message}</p>}
      <ParamList node={node} def={def} />
      <button type="button" data-testid="inspector-run-to" onClick={() => void runGraph([id])}>Run to here</button>
      {node.bypass ? <p className="muted">Bypassed: it does not run, so it has no outputs of its own.</p> : <NodeOutputs id={id} />}
    </div>
  );
}

/** Fetches the node's outputs from the engine after each run. */
function NodeOutputs({ id }: { id: string }) {
  const runs = useStore(runStore, (s) => s.finishedRuns);
  const [outputs, setOutputs] = useState<Record<string, unknown> | undefined>();
  useEffect(() => {
    let live = true;
    nodeOutputs(id).then((o) => live && setOutputs(o), () => live && setOutputs(undefined));
    return () => { live = false; };
  }, [id, runs]);
  if (!outputs) return null;
  const previews = stepPreviews(outputs);
  const images = Object.entries(outputs).filter(([, v]) => isImage(v));
  return (
    <section className="outputs-section" data-testid="inspector-outputs">
      <h3>Outputs</h3>
      {images.map(([port, img]) => isImage(img) && (
        <div key={port}>
          <div className="muted">{port}: {img.width}×{img.height}{img.batch > 1 ? ` ×${img.batch}` : ''}</div>
          <ImageBatch image={img} testId="inspector-image" />
          <button type="button" data-testid="inspector-export-png" onClick={() => void exportPng(img, getDoc(), `${id}-${port}.png`)}>Save PNG with graph</button>
        </div>
      ))}
      {previews && <StepScrubber nodeId={id} previews={previews} />}
    </section>
  );
}
