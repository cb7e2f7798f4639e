// Params drawn inside the node, compact; the inspector shows the same fields with more room.
import type { NodeDefinition } from '../../../nodes/api.ts';
import type { GraphNode } from '../../graph/index.ts';
import { ParamField } from '../inspector/ParamField.tsx';

export function NodeParams({ node, def }: { node: GraphNode; def: NodeDefinition }) {
  const entries = Object.entries(def.params);
  if (entries.length === 0) return null;
  return (
    <div className="node-params">
      {entries.map(([name, spec]) => <ParamField key={name} nodeId={node.id} name={name} spec={spec} value={node.params[name]} compact />)}
    </div>
  );
}
