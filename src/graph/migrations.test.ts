import { describe, expect, it } from 'vitest';
import type { Catalog, NodeSchema } from './catalog.ts';
import { migrate, type Migration } from './migrations.ts';
import type { GraphNode } from './types.ts';
import { loadGraph } from './validate.ts';

describe('migrations', () => {
  it('walks the chain one version at a time', () => {
    const seen: number[] = [];
    const chain: Record<number, Migration> = {
      1: (d) => { seen.push(d.version as number); return { ...d, renamed: d.old, old: undefined }; },
      2: (d) => { seen.push(d.version as number); return { ...d, added: true }; },
    };
    const result = migrate({ version: 1, old: 'x' }, chain, 3);
    expect(seen).toEqual([1, 2]);
    expect(result).toEqual({ ok: true, from: 1, doc: { version: 3, renamed: 'x', old: undefined, added: true } });
  });
  it('says which step is missing', () => {
    expect(migrate({ version: 1 }, { 1: (d) => d }, 3)).toEqual({ ok: false, message: 'no migration from version 2 to 3' });
  });
  it('leaves a current document alone and refuses a newer one', () => {
    expect(migrate({ version: 1, a: 1 })).toEqual({ ok: true, from: 1, doc: { version: 1, a: 1 } });
    expect(migrate({ version: 2 }).ok).toBe(false);
  });
});

describe('node migrations', () => {
  // Version 1 had "scale" as a fraction; version 2 renamed it "factor"; version 3 made it a percentage.
  const schema: NodeSchema = {
    type: 'test.scale', version: 3, title: 'Scale', category: 'Test', inputs: {}, outputs: { value: { type: 'FLOAT' } },
    params: { factor: { kind: 'float', default: 100, min: 0, max: 1000 }, label: { kind: 'string', default: '' } },
    migrate: {
      1: ({ scale, ...rest }) => ({ ...rest, factor: scale }),
      2: (p) => ({ ...p, factor: (p.factor as number) * 100 }),
    },
  };
  const catalog: Catalog = { get: (type) => (type === schema.type ? schema : undefined) };
  const docWith = (node: Partial<GraphNode>) => ({
    format: 'latent-loom/graph', version: 1, edges: [],
    nodes: [{ id: 'n1', type: 'test.scale', version: 1, position: { x: 0, y: 0 }, params: {}, ...node }],
  });

  it('brings an old node up to its type version, step by step', () => {
    const result = loadGraph(docWith({ params: { scale: 0.5, label: 'half' } }), catalog);
    expect(result.ok && result.doc.nodes[0]).toMatchObject({ version: 3, params: { factor: 50, label: 'half' } });
    const v2 = loadGraph(docWith({ version: 2, params: { factor: 0.25 } }), catalog);
    expect(v2.ok && v2.doc.nodes[0].params.factor).toBe(25);
  });

  it('says when a node cannot be brought up to date, naming it', () => {
    const result = loadGraph(docWith({}), { get: (type) => (type === schema.type ? { ...schema, migrate: { 2: schema.migrate![2] } } : undefined) });
    expect(result.ok ? [] : result.problems).toEqual([{
      code: 'node-version-old', node: 'n1', field: 'version',
      message: 'node "n1" (test.scale) is version 1, and this app has no way to bring it up to version 3',
    }]);
  });
});
