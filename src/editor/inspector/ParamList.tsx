// A node's params as fields: compact inside the node on the canvas, with more room in the inspector.
import type { GraphNode } from '../../graph/index.ts';
import type { NodeDefinition } from '../../kernel/define.ts';
import { ImageFileField, isImageFileParam } from './ImageFileField.tsx';
import { ParamField } from './ParamField.tsx';
import { StrokesField } from '../paint/StrokesField.tsx';
import { PromptHelp } from './PromptHelp.tsx';
import { PsiHint } from './PsiHint.tsx';
import { GanSubjects } from './GanSubjects.tsx';

export function ParamList({ node, def, compact }: { node: GraphNode; def: NodeDefinition; compact?: boolean }) {
  const entries = Object.entries(def.params);
  if (entries.length === 0) return null;
  const fields = entries.map(([name, spec]) => (isImageFileParam(spec)
    ? <ImageFileField key={name} nodeId={node.id} name={name} label={spec.label ?? name} value={node.params[name]} compact={compact} />
    : spec.kind === 'strokes'
      ? <StrokesField key={name} nodeId={node.id} name={name} label={spec.label ?? name} params={node.params} compact={compact} />
      : <ParamField key={name} nodeId={node.id} name={name} spec={spec} value={node.params[name]} compact={compact} />));
  // A prompt's text: what the model it feeds knows (only for models that ship a list of subjects). In the
  // inspector only: on the canvas it would make the node taller than the space its graph leaves it.
  if (!compact && def.type === 'core.prompt' && typeof node.params.text === 'string') {
    fields.push(<PromptHelp key="prompt-help" nodeId={node.id} text={node.params.text} />);
  }
  if (!compact && def.type === 'gan.generate') {
    fields.push(<GanSubjects key="gan-subjects" nodeId={node.id} subject={typeof node.params.subject === 'string' ? node.params.subject : ''} />);
    fields.push(<PsiHint key="psi-hint" nodeId={node.id} />);
  }
  return compact ? <div className="node-params">{fields}</div> : <>{fields}</>;
}
