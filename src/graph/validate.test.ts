// The bad-document corpus: each document with the exact problems it must produce.
import { describe, expect, it } from 'vitest';
import { doc, testRegistry } from '../../test/nodes.ts';
import { loadGraph } from './validate.ts';

const catalog = testRegistry();

/** n1 (Number) -> n2 (Add.a) -> n3 (Sink). */
function base() {
  return doc(
    [{ id: 'n1', type: 'test.number', params: { value: 2 } }, { id: 'n2', type: 'test.add' }, { id: 'n3', type: 'test.sink' }],
    [['n1', 'value', 'n2', 'a'], ['n2', 'sum', 'n3', 'value']],
  );
}
type Doc = ReturnType<typeof base>;
const edit = (change: (d: Doc & Record<string, unknown>) => void): Doc => {
  const d = base() as Doc & Record<string, unknown>;
  change(d);
  return d;
};
const node = (d: Doc, id: string) => d.nodes.find((n) => n.id === id)!;

type Expected = { code: string; message: string | RegExp; node?: string; port?: string; field?: string; edge?: string };

const corpus: [string, unknown, Expected[]][] = [
  ['malformed JSON', '{"format": "latent-loom/graph",', [{ code: 'malformed-json', message: /^not valid JSON: / }]],
  ['not an object', '[1, 2]', [{ code: 'not-an-object', message: 'a graph must be a JSON object' }]],
  ['wrong format', edit((d) => { d.format = 'comfyui/workflow' as never; }),
    [{ code: 'wrong-format', field: 'format', message: '"format" must be "latent-loom/graph" (got "comfyui/workflow")' }]],
  ['missing format', edit((d) => { delete (d as Partial<Doc>).format; }),
    [{ code: 'wrong-format', field: 'format', message: '"format" must be "latent-loom/graph" (got undefined)' }]],
  ['version newer than known', edit((d) => { d.version = 2 as never; }),
    [{ code: 'bad-version', field: 'version', message: 'this graph is version 2, newer than this app understands (1); update Latent Loom to open it' }]],
  ['version not a number', edit((d) => { d.version = '1' as never; }),
    [{ code: 'bad-version', field: 'version', message: '"version" must be a whole number from 1 (got "1")' }]],
  ['__proto__ key in params', JSON.stringify(base()).replace('"params":{"value":2}', '"params":{"__proto__":{"polluted":true}}'),
    [{ code: 'forbidden-key', field: 'nodes[0].params.__proto__', message: 'forbidden key at nodes[0].params.__proto__' }]],
  ['constructor key at the top', edit((d) => { d.constructor = { prototype: {} } as never; }),
    [{ code: 'forbidden-key', field: 'constructor', message: 'forbidden key at constructor' }]],
  ['nodes not a list', edit((d) => { d.nodes = {} as never; }), [{ code: 'bad-shape', field: 'nodes', message: /^nodes: .*expected array/ }]],
  ['node without position', edit((d) => { delete (node(d, 'n2') as Partial<Doc['nodes'][number]>).position; }),
    [{ code: 'bad-shape', node: 'n2', field: 'nodes[1].position', message: /^node "n2": position: .*expected object/ }]],
  ['edge with empty id', edit((d) => { d.edges[0].id = ''; }),
    [{ code: 'bad-shape', field: 'edges[0].id', message: 'edges[0].id: must not be empty' }]],
  ['bad model hash', edit((d) => { d.models = { unet: { id: 'x', sha256: 'zz' } }; }),
    [{ code: 'bad-shape', field: 'models.unet.sha256', message: 'models.unet.sha256: must be 64 lower-case hex digits' }]],
  ['duplicate node id', edit((d) => { d.nodes.push({ ...node(d, 'n1'), position: { x: 0, y: 200 } }); }),
    [{ code: 'duplicate-node-id', node: 'n1', message: 'two nodes have the id "n1"' }]],
  ['duplicate edge id', edit((d) => { d.edges[1].id = 'e1'; }),
    [{ code: 'duplicate-edge-id', edge: 'e1', node: 'n3', message: 'edge "e1": two edges have the id "e1"' }]],
  ['unknown node type', edit((d) => { node(d, 'n2').type = 'test.nope'; }),
    [{ code: 'unknown-node-type', node: 'n2', field: 'type', message: 'node "n2" has unknown type "test.nope"' }]],
  ['node version newer than known', edit((d) => { node(d, 'n1').version = 3; }),
    [{ code: 'node-version-too-new', node: 'n1', field: 'version', message: 'node "n1" (test.number) is version 3, newer than this app knows (1)' }]],
  ['unknown param', edit((d) => { node(d, 'n1').params = { valu: 1 }; }),
    [{ code: 'unknown-param', node: 'n1', field: 'params.valu', message: 'node "n1" (test.number) has no param "valu"' }]],
  ['param of the wrong type', edit((d) => { node(d, 'n1').params = { value: '3' }; }),
    [{ code: 'bad-param', node: 'n1', field: 'params.value', message: 'node "n1" (test.number): param "value" must be a number (got "3")' }]],
  ['param above max', edit((d) => { node(d, 'n1').params = { value: 5000 }; }),
    [{ code: 'bad-param', node: 'n1', field: 'params.value', message: 'node "n1" (test.number): param "value" must be at most 1000 (got 5000)' }]],
  ['param below min', edit((d) => { node(d, 'n1').params = { value: -5000 }; }),
    [{ code: 'bad-param', node: 'n1', field: 'params.value', message: 'node "n1" (test.number): param "value" must be at least -1000 (got -5000)' }]],
  ['int param not whole', edit((d) => { d.nodes.push({ id: 'n4', type: 'test.slow', version: 1, position: { x: 0, y: 0 }, params: { steps: 2.5 } }); d.edges.push({ id: 'e3', from: { node: 'n1', port: 'value' }, to: { node: 'n4', port: 'a' } }); }),
    [{ code: 'bad-param', node: 'n4', field: 'params.steps', message: 'node "n4" (test.slow): param "steps" must be a whole number (got 2.5)' }]],
  ['choice outside its choices', edit((d) => { node(d, 'n3').params = { mode: 'medium' }; }),
    [{ code: 'bad-param', node: 'n3', field: 'params.mode', message: 'node "n3" (test.sink): param "mode" must be one of "fast", "slow" (got "medium")' }]],
  ['bool that is not', edit((d) => { node(d, 'n3').params = { enabled: 'yes' }; }),
    [{ code: 'bad-param', node: 'n3', field: 'params.enabled', message: 'node "n3" (test.sink): param "enabled" must be true or false (got "yes")' }]],
  ['edge from a missing node', edit((d) => { d.edges[0].from.node = 'n9'; }),
    [{ code: 'edge-to-missing-node', edge: 'e1', node: 'n2', message: 'edge "e1": connects node "n9", which does not exist' }]],
  ['edge from an unknown output', edit((d) => { d.edges[0].from.port = 'val'; }),
    [{ code: 'unknown-port', edge: 'e1', node: 'n1', port: 'val', message: 'edge "e1": Number ("n1") has no output "val" (it has: value)' }]],
  ['edge into an unknown input', edit((d) => { d.edges[0].to.port = 'c'; }), [
    { code: 'unknown-port', edge: 'e1', node: 'n2', port: 'c', message: 'edge "e1": Add ("n2") has no input "c" (it has: a, b)' },
    { code: 'missing-input', node: 'n2', port: 'a', message: 'node "n2" (test.add): required input "a" is not connected' },
  ]],
  ['type mismatch', edit((d) => { d.nodes.push({ id: 'n4', type: 'test.big', version: 1, position: { x: 0, y: 0 }, params: {} }); d.edges.push({ id: 'e3', from: { node: 'n1', port: 'value' }, to: { node: 'n4', port: 'a' } }, { id: 'e4', from: { node: 'n4', port: 'tensor' }, to: { node: 'n2', port: 'b' } }); }),
    [{ code: 'type-mismatch', edge: 'e4', node: 'n2', port: 'b', message: 'edge "e4": TENSOR cannot feed FLOAT' }]],
  ['two wires into one input', edit((d) => { d.nodes.push({ id: 'n4', type: 'test.number', version: 1, position: { x: 0, y: 0 }, params: {} }); d.edges.push({ id: 'e3', from: { node: 'n4', port: 'value' }, to: { node: 'n2', port: 'a' } }); }),
    [{ code: 'input-taken', edge: 'e3', node: 'n2', port: 'a', message: 'edge "e3": input "a" of "n2" already has a wire (from "n1")' }]],
  ['missing required input', edit((d) => { d.edges.pop(); }),
    [{ code: 'missing-input', node: 'n3', port: 'value', message: 'node "n3" (test.sink): required input "value" is not connected' }]],
  ['cycle', edit((d) => { d.nodes.push({ id: 'n4', type: 'test.add', version: 1, position: { x: 0, y: 0 }, params: {} }); d.edges.push({ id: 'e3', from: { node: 'n2', port: 'sum' }, to: { node: 'n4', port: 'a' } }, { id: 'e4', from: { node: 'n4', port: 'sum' }, to: { node: 'n2', port: 'b' } }); }),
    [{ code: 'cycle', node: 'n2', message: 'the graph has a cycle: "n2" -> "n4" -> "n2"' }]],
  ['node wired to itself', edit((d) => { d.edges.push({ id: 'e3', from: { node: 'n2', port: 'sum' }, to: { node: 'n2', port: 'b' } }); }), [
    { code: 'self-edge', edge: 'e3', node: 'n2', port: 'b', message: 'edge "e3": a node cannot feed itself' },
    { code: 'cycle', node: 'n2', message: 'the graph has a cycle: "n2" -> "n2"' },
  ]],
  ['several problems at once', edit((d) => { node(d, 'n1').params = { value: 'x' }; node(d, 'n3').type = 'test.gone'; }), [
    { code: 'bad-param', node: 'n1', field: 'params.value', message: 'node "n1" (test.number): param "value" must be a number (got "x")' },
    { code: 'unknown-node-type', node: 'n3', field: 'type', message: 'node "n3" has unknown type "test.gone"' },
  ]],
];

describe('bad documents', () => {
  it.each(corpus)('%s', (_name, input, expected) => {
    const result = loadGraph(input, catalog);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.problems).toHaveLength(expected.length);
    result.problems.forEach((p, i) => {
      const { message, ...rest } = expected[i];
      expect(p).toMatchObject(rest);
      if (typeof message === 'string') expect(p.message).toBe(message);
      else expect(p.message).toMatch(message);
    });
  });
});

describe('good documents', () => {
  it('loads, filling missing params with their defaults', () => {
    const result = loadGraph(JSON.stringify(base()), catalog);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(node(result.doc as Doc, 'n2').params).toEqual({});
    expect(node(result.doc as Doc, 'n3').params).toEqual({ mode: 'fast', enabled: true });
    expect(node(result.doc as Doc, 'n1').params).toEqual({ value: 2 });
  });

  it('does not let a __proto__ key reach an object prototype', () => {
    const text = JSON.stringify(base()).replace('"params":{"value":2}', '"params":{"__proto__":{"polluted":true}}');
    loadGraph(text, catalog);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
