// A group on the canvas: a titled, coloured box behind the nodes. Drag it by its header (its nodes come
// along), resize it from its edges, rename it, recolour it, bypass all it holds, or remove the box.
import { NodeResizer, type NodeProps } from '@xyflow/react';
import { memo } from 'react';
import { bypassGroup, COLOUR_NAMES, deleteGroup, GROUP_COLOURS, updateGroup } from '../edit/groups.ts';
import { endGesture, useDoc } from '../store/graph.ts';

export const GroupBox = memo(function GroupBox({ data, selected }: NodeProps) {
  const id = (data as { groupId: string }).groupId;
  const group = useDoc((d) => d.groups?.find((g) => g.id === id));
  if (!group) return null;
  return (
    <div className={`group-box ${selected ? 'selected' : ''}`} data-testid="group" data-group-id={id} style={{ borderColor: group.color, background: `${group.color}22` }}>
      <NodeResizer isVisible={selected} minWidth={160} minHeight={80} color={group.color}
        onResizeEnd={(_, p) => updateGroup(id, { position: { x: Math.round(p.x), y: Math.round(p.y) }, width: Math.round(p.width), height: Math.round(p.height) })} />
      <header className="group-header" style={{ background: group.color }}>
        <input className="nodrag group-title" data-testid="group-title" aria-label="group title" value={group.title}
          onChange={(e) => updateGroup(id, { title: e.target.value }, `group-title:${id}`)} onBlur={endGesture} />
        <span className="group-drag" data-testid="group-drag" title="Drag to move the group and its nodes" />
        <select className="nodrag" aria-label="group colour" data-testid="group-colour" value={group.color} onChange={(e) => updateGroup(id, { color: e.target.value })}>
          {[...new Set([...GROUP_COLOURS, group.color])].map((c) => <option key={c} value={c} style={{ background: c }}>{COLOUR_NAMES[c] ?? c}</option>)}
        </select>
        <button type="button" className="nodrag" data-testid="group-bypass" title="Bypass everything in the group (again to turn it back on)" onClick={() => bypassGroup(id)}>bypass all</button>
        <button type="button" className="nodrag" data-testid="group-delete" title="Remove the box (its nodes stay)" aria-label="remove the group" onClick={() => deleteGroup(id)}>✕</button>
      </header>
    </div>
  );
});
