import { beforeEach, describe, expect, it } from 'vitest';
import { emptyGraph, loadGraph } from '../../graph/index.ts';
import { registry } from '../catalog.ts';
import { getDoc, replaceDoc, undo } from '../store/graph.ts';
import { addGroup, bypassGroup, deleteGroup, groupMembers } from './groups.ts';
import { moveNodes } from './ops.ts';

const node = (id: string, x: number, y: number) => ({ id, type: 'image.gradient', version: 1, position: { x, y }, params: {} });

describe('groups', () => {
  beforeEach(() => replaceDoc({ ...emptyGraph(), nodes: [node('a', 0, 0), node('b', 300, 0), node('far', 2000, 2000)] }));

  it('a group around nodes holds them, and is saved in the document (an optional field)', () => {
    const id = addGroup(['a', 'b']);
    const g = getDoc().groups!.find((x) => x.id === id)!;
    expect(groupMembers(getDoc(), g)).toEqual(['a', 'b']);
    const loaded = loadGraph(JSON.stringify(getDoc()), registry);
    expect(loaded.ok && loaded.doc.groups).toEqual(getDoc().groups);
    expect(loadGraph(JSON.stringify({ ...getDoc(), groups: [{ ...g, width: -1 }] }), registry).ok).toBe(false);
    expect(loadGraph(JSON.stringify({ ...getDoc(), groups: undefined }), registry).ok).toBe(true);
  });

  it('moves with its nodes in one undo step, bypasses all it holds, and is removed leaving its nodes', () => {
    const id = addGroup(['a', 'b']);
    const g = getDoc().groups![0];
    moveNodes({ [`group:${id}`]: { x: g.position.x + 100, y: g.position.y }, a: { x: 100, y: 0 }, b: { x: 400, y: 0 } });
    expect(getDoc().groups![0].position.x).toBe(g.position.x + 100);
    undo();
    expect(getDoc().groups![0].position.x).toBe(g.position.x);
    expect(getDoc().nodes[0].position.x).toBe(0);
    bypassGroup(id);
    expect(getDoc().nodes.filter((n) => n.bypass).map((n) => n.id)).toEqual(['a', 'b']);
    bypassGroup(id);
    expect(getDoc().nodes.some((n) => n.bypass)).toBe(false);
    deleteGroup(id);
    expect(getDoc().groups).toBeUndefined();
    expect(getDoc().nodes).toHaveLength(3);
  });
});
