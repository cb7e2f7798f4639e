// Params drawn inside the node, compact; the inspector shows the same fields with more room.
import type { NodeDefinition } from '../../kernel/define.ts';
import type { GraphNode } from '../../graph/index.ts';
import { ImageFileField, isImageFileParam } from '../inspector/ImageFileField.tsx';
import { ParamField } from '../inspector/ParamField.tsx';

export function NodeParams({ node, def }: { node: GraphNode; def: NodeDefinition }) {
  const entries = Object.entries(def.params);
  if (entries.length === 0) return null;
  return (
    <div className="node-params">
      {entries.map(([name, spec]) => (isImageFileParam(spec)
        ? <ImageFileField key={name} nodeId={node.id} name={name} label={spec.label ?? name} value={node.params[name]} compact />
        : <ParamField key={name} nodeId={node.id} name={name} spec={spec} value={node.params[name]} compact />))}
    </div>
  );
}
