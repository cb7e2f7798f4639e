import { beforeEach, describe, expect, it } from 'vitest';
import { emptyGraph } from '../../graph/index.ts';
import { getDoc, replaceDoc, undo } from '../store/graph.ts';
import { connect, defaultModels } from './ops.ts';
import { registry } from '../catalog.ts';

const node = (id: string, type: string) => ({ id, type, version: 1, position: { x: 0, y: 0 }, params: {} });

describe('wiring', () => {
  beforeEach(() => replaceDoc({ ...emptyGraph(), nodes: [node('a', 'image.gradient'), node('b', 'image.gradient'), node('out', 'image.output')] }));

  it('a wire dropped on an input that has one replaces it, in one undo step', () => {
    expect(connect({ node: 'a', port: 'image' }, { node: 'out', port: 'image' }).ok).toBe(true);
    expect(connect({ node: 'b', port: 'image' }, { node: 'out', port: 'image' }).ok).toBe(true);
    expect(getDoc().edges.map((e) => e.from.node)).toEqual(['b']);
    undo();
    expect(getDoc().edges.map((e) => e.from.node)).toEqual(['a']);
  });

  it('a refused replacement leaves the old wire', () => {
    connect({ node: 'a', port: 'image' }, { node: 'out', port: 'image' });
    replaceDoc({ ...getDoc(), nodes: [...getDoc().nodes, node('m', 'model.load')] });
    expect(connect({ node: 'm', port: 'model' }, { node: 'out', port: 'image' }).ok).toBe(false);
    expect(getDoc().edges.map((e) => e.from.node)).toEqual(['a']);
  });
});

describe('new nodes', () => {
  const manifest = (id: string, kind: string) => ({ id, kind, title: id, files: [] }) as never;
  it('a model picker starts on the one real model of its kind, never a test model', () => {
    const def = registry.get('model.load_upscaler')!;
    expect(defaultModels(def, [manifest('loom-sr-x4', 'upscaler'), manifest('test-tiny-upscaler', 'upscaler')])).toEqual({ model: 'loom-sr-x4' });
    expect(defaultModels(def, [manifest('a', 'upscaler'), manifest('b', 'upscaler')])).toEqual({});
  });
});
