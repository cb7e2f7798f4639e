// One node on the canvas. It subscribes to its own document entry and run state by id, nothing wider.
import { Handle, Position, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { categoryColour, registry, typeColour } from '../catalog.ts';
import { NodeImages } from '../images/ImageCanvas.tsx';
import { frameCaption } from '../images/stepCaption.ts';
import { patchUi } from '../store/ui.ts';
import { SaveImageButton } from '../images/SaveImage.tsx';
import { getDoc, useDoc, useGraphNode } from '../store/graph.ts';
import { nodeProblems } from '../files/lenient.ts';
import { ANY_TYPE, carriedType, type GraphNode } from '../../graph/index.ts';
import { withNodeNames } from '../names.ts';
import { useNodeImage, useNodeRun, type NodeRun } from '../store/run.ts';
import { ParamList } from '../inspector/ParamList.tsx';

export const LoomNode = memo(function LoomNode({ id, selected }: NodeProps) {
  const node = useGraphNode(id);
  const run = useNodeRun(id);
  const image = useNodeImage(id, node?.type ?? '');
  const def = node && registry.get(node.type);
  const problems = useDoc((d) => nodeProblems(d, registry).get(id));
  if (!node) return null;
  if (!def) return <UnknownNode node={node} selected={!!selected} problems={problems} />;
  if (node.type === 'core.reroute') return <RerouteDot id={id} selected={!!selected} bypassed={!!node.bypass} />;
  const shown = node.bypass ? undefined : run?.status === 'running' && run.preview ? run.preview.image : image;
  // A preview says what it shows, while running and after, until a cached result (maybe older) replaces it.
  const caption = shown && run?.preview && (run.status === 'running' || run.status === 'done') ? run.preview : undefined;
  return (
    <div className={`loom-node ${selected ? 'selected' : ''} ${node.bypass ? 'bypassed' : `status-${run?.status ?? 'idle'}`} ${problems ? 'has-problem' : ''}`} data-testid="node" data-node-id={id} data-type={node.type}>
      <header style={{ background: categoryColour(def.category) }}>
        <span className="title" data-testid="node-title">{node.title ?? def.title}</span>
        {node.bypass
          ? <span className="status" data-testid="node-status" data-status="bypassed" title="Does not run: passes its input on (Ctrl+B)">bypassed</span>
          : <StatusBadge run={run} />}
      </header>
      {run?.status === 'running' && run.total ? <progress className="node-progress" value={run.step} max={run.total} /> : null}
      <div className="ports">
        <div className="inputs">
          {Object.entries(def.inputs).map(([port, spec]) => (
            <div key={port} className="port in">
              <Handle type="target" position={Position.Left} id={port} style={{ background: typeColour(spec.type) }} title={spec.type} />
              <span>{spec.label ?? port}{spec.optional ? '?' : ''}</span>
            </div>
          ))}
        </div>
        <div className="outputs">
          {Object.entries(def.outputs).map(([port, spec]) => (
            <div key={port} className="port out">
              <span>{spec.label ?? port}</span>
              <Handle type="source" position={Position.Right} id={port} style={{ background: typeColour(spec.type) }} title={spec.type} />
            </div>
          ))}
        </div>
      </div>
      <ParamList node={node} def={def} compact />
      {problems && <div className="node-message" data-testid="node-problem" title="Fix it here or in the inspector; the rest of the graph runs">{problems.join('\n')}</div>}
      {!node.bypass && (run?.status === 'failed' || run?.status === 'skipped' || run?.status === 'invalid') && <div className="node-message" data-testid="node-message" title={run.details}>{withNodeNames(run.message ?? '', getDoc())}</div>}
      {shown && (
        <div className="node-image nodrag">
          <NodeImages image={shown} testId="node-image" onEnlarge={(item) => patchUi({ enlarged: { image: shown, item, title: caption ? frameCaption(caption) : node.title ?? def.title } })} />
          {caption && <div className="node-caption muted" data-testid="node-image-caption" data-shows={caption.shows}>{frameCaption(caption)}</div>}
        </div>
      )}
      {def.saves && <SaveImageButton nodeId={id} />}
    </div>
  );
});

/**
 * A node of a type this app does not have (a file from a newer version, or another tool): kept as it is,
 * with handles for the wires it has, its params shown, and the reason it cannot run.
 */
function UnknownNode({ node, selected, problems }: { node: GraphNode; selected: boolean; problems?: string[] }) {
  const edges = useDoc((d) => d.edges);
  const ins = [...new Set(edges.filter((e) => e.to.node === node.id).map((e) => e.to.port))];
  const outs = [...new Set(edges.filter((e) => e.from.node === node.id).map((e) => e.from.port))];
  return (
    <div className={`loom-node unknown has-problem ${selected ? 'selected' : ''}`} data-testid="node" data-node-id={node.id} data-type={node.type}>
      <header style={{ background: '#5d4037' }}>
        <span className="title" data-testid="node-title">{node.title ?? node.type}</span>
        <span className="status" data-testid="node-status" data-status="unknown">unknown type</span>
      </header>
      <div className="ports">
        <div className="inputs">{ins.map((p) => <div key={p} className="port in"><Handle type="target" position={Position.Left} id={p} /><span>{p}</span></div>)}</div>
        <div className="outputs">{outs.map((p) => <div key={p} className="port out"><span>{p}</span><Handle type="source" position={Position.Right} id={p} /></div>)}</div>
      </div>
      <dl className="unknown-params">
        {Object.entries(node.params).map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{JSON.stringify(v)}</dd></div>)}
      </dl>
      <div className="node-message" data-testid="node-problem">{(problems ?? [`this app has no node type "${node.type}"`]).join('\n')}</div>
    </div>
  );
}

/** A reroute: a dot coloured by what it carries, an input on the left and an output on the right. */
function RerouteDot({ id, selected, bypassed }: { id: string; selected: boolean; bypassed: boolean }) {
  const carried = useDoc((d) => carriedType(d, registry, { node: id, port: 'out' }, ANY_TYPE));
  const colour = carried === ANY_TYPE ? '#90a4ae' : typeColour(carried);
  return (
    <div className={`reroute ${selected ? 'selected' : ''} ${bypassed ? 'bypassed' : ''}`} data-testid="node" data-node-id={id} data-type="core.reroute" data-carries={carried}>
      <Handle type="target" position={Position.Left} id="in" style={{ background: colour }} title={carried} />
      <span className="reroute-dot" data-testid="node-title" style={{ background: colour }} title={`Reroute: passes on ${carried === ANY_TYPE ? 'whatever is wired into it' : carried}`} />
      <Handle type="source" position={Position.Right} id="out" style={{ background: colour }} title={carried} />
    </div>
  );
}

function StatusBadge({ run }: { run?: NodeRun }) {
  if (!run) return null;
  let text: string = run.status;
  if (run.status === 'running' && run.total) text = `running ${run.step}/${run.total}`;
  if (run.status === 'done' && run.ms !== undefined) text = `done ${formatMs(run.ms)}`;
  return <span className="status" data-testid="node-status" data-status={run.status} title={run.message}>{text}</span>;
}

function formatMs(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}
