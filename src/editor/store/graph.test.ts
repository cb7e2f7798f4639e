import { beforeEach, describe, expect, it } from 'vitest';
import { emptyGraph } from '../../graph/index.ts';
import { edit, endGesture, getDoc, graphStore, openDoc, redo, replaceDoc, undo } from './graph.ts';

const add = (id: string) => edit((d) => { d.nodes.push({ id, type: 'image.gradient', version: 1, position: { x: 0, y: 0 }, params: { blue: 0 } }); });
const setBlue = (v: number) => edit((d) => { d.nodes[0].params.blue = v; }, 'param:n1:blue');

describe('graph history', () => {
  beforeEach(() => replaceDoc(emptyGraph()));

  it('undoes and redoes each edit with patches', () => {
    add('n1');
    add('n2');
    undo();
    expect(getDoc().nodes.map((n) => n.id)).toEqual(['n1']);
    redo();
    expect(getDoc().nodes.map((n) => n.id)).toEqual(['n1', 'n2']);
    undo();
    undo();
    expect(getDoc().nodes).toEqual([]);
    expect(graphStore.get().canUndo).toBe(false);
  });

  it('groups the edits of one gesture into one step', () => {
    add('n1');
    setBlue(0.1);
    setBlue(0.2);
    setBlue(0.3);
    endGesture();
    setBlue(0.9);
    undo();
    expect(getDoc().nodes[0].params.blue).toBe(0.3);
    undo();
    expect(getDoc().nodes[0].params.blue).toBe(0);
    redo();
    expect(getDoc().nodes[0].params.blue).toBe(0.3);
  });

  it('keeps untouched nodes as the same objects, and drops redo after a new edit', () => {
    add('n1');
    add('n2');
    const first = getDoc().nodes[0];
    edit((d) => { d.nodes[1].position.x = 5; });
    expect(getDoc().nodes[0]).toBe(first);
    undo();
    add('n3');
    expect(graphStore.get().canRedo).toBe(false);
  });

  it('opening another document is one undo step that brings back the edited one, and redo opens it again', () => {
    add('n1');
    setBlue(0.4);
    const edited = getDoc();
    const loadsBefore = graphStore.get().loads;
    const other = { ...emptyGraph(), nodes: [{ id: 'x', type: 'image.gradient', version: 1, position: { x: 1, y: 2 }, params: {} }] };
    openDoc(other);
    expect(getDoc()).toEqual(other);
    undo();
    expect(getDoc()).toEqual(edited);
    expect(graphStore.get().loads).toBe(loadsBefore + 2); // the canvas refits for the open and for its undo
    undo();
    expect(getDoc().nodes[0].params.blue).toBe(0); // older edits are still there
    redo();
    redo();
    expect(getDoc()).toEqual(other);
    expect(graphStore.get().canRedo).toBe(false);
  });
});
