// The bad-document corpus: each document with the exact problems it must produce.
import { bestOfFive as time } from '../../test/growth.ts';
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
  ['malformed JSON', '{"format": "latent-loom/graph",', [{ code: 'malformed-json', message: 'not valid JSON: line 1, column 32: the text ends too early' }]],
  ['malformed JSON on a later line', '{\n  "format": "latent-loom/graph",\n  "nodes": [1,]\n}',
    [{ code: 'malformed-json', message: "not valid JSON: line 3, column 15: unexpected ']'" }]],
  ['malformed JSON after CRLF lines', '{\r\n"a": 1\r\n"b": 2}', [{ code: 'malformed-json', message: "not valid JSON: line 3, column 1: expected ',' or '}', found '\"'" }]],
  ['every structural problem of an empty object', '{}', [
    { code: 'wrong-format', field: 'format', message: '"format" must be "latent-loom/graph" (got undefined)' },
    { code: 'bad-version', field: 'version', message: '"version" must be a whole number from 1 (got undefined)' },
    { code: 'bad-shape', field: 'nodes', message: /^nodes: .*expected array/ },
    { code: 'bad-shape', field: 'edges', message: /^edges: .*expected array/ },
  ]],
  ['wrong format and a bad node at once', edit((d) => { d.format = 'x' as never; delete (node(d, 'n2') as Partial<Doc['nodes'][number]>).position; }), [
    { code: 'wrong-format', field: 'format', message: '"format" must be "latent-loom/graph" (got "x")' },
    { code: 'bad-shape', node: 'n2', field: 'nodes[1].position', message: /^node "n2": position: .*expected object/ },
  ]],
  ['a huge format string is not echoed', edit((d) => { d.format = 'f'.repeat(1_000_000) as never; }),
    [{ code: 'wrong-format', field: 'format', message: `"format" must be "latent-loom/graph" (got "${'f'.repeat(80)}…")` }]],
  ['a huge node id is not echoed', edit((d) => { node(d, 'n3').id = 'x'.repeat(10_000_000); }),
    [{ code: 'bad-shape', field: 'nodes[2].id', message: new RegExp(`^node "${'x'.repeat(80)}…": id: .{0,100}$`) }]],
  ['10,000-deep nesting', `{"format":"latent-loom/graph","version":1,"nodes":[],"edges":[],"x":${'['.repeat(10_000)}${']'.repeat(10_000)}}`,
    [{ code: 'too-deep', message: /^the document nests deeper than 1000 levels \(at x\[0\]\[0\][[\]0]*…\)$/ }]],
  ['param named like an Object method', edit((d) => { node(d, 'n1').params = { toString: 1, valueOf: 2, hasOwnProperty: 3 }; }), [
    { code: 'unknown-param', node: 'n1', field: 'params.toString', message: 'node "n1" (test.number) has no param "toString"' },
    { code: 'unknown-param', node: 'n1', field: 'params.valueOf', message: 'node "n1" (test.number) has no param "valueOf"' },
    { code: 'unknown-param', node: 'n1', field: 'params.hasOwnProperty', message: 'node "n1" (test.number) has no param "hasOwnProperty"' },
  ]],
  ['ports named like Object methods', edit((d) => { d.edges[0].from.port = 'toString'; d.edges[1].to.port = 'constructor'; }), [
    { code: 'unknown-port', edge: 'e1', node: 'n1', port: 'toString', message: 'edge "e1": Number ("n1") has no output "toString" (it has: value)' },
    { code: 'unknown-port', edge: 'e2', node: 'n3', port: 'constructor', message: 'edge "e2": Sink ("n3") has no input "constructor" (it has: value)' },
    { code: 'missing-input', node: 'n3', port: 'value', message: 'node "n3" (test.sink): required input "value" is not connected' },
  ]],
  ['node type named like an Object method', edit((d) => { node(d, 'n3').type = 'hasOwnProperty'; }),
    [{ code: 'unknown-node-type', node: 'n3', field: 'type', message: 'node "n3" has unknown type "hasOwnProperty"' }]],
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

  it('accepts a UTF-8 byte order mark at the start of the file', () => {
    const result = loadGraph(`\uFEFF${JSON.stringify(base(), null, 2)}`, catalog);
    expect(result.ok).toBe(true);
  });

  it('does not let a __proto__ key reach an object prototype', () => {
    const text = JSON.stringify(base()).replace('"params":{"value":2}', '"params":{"__proto__":{"polluted":true}}');
    loadGraph(text, catalog);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});

describe('large documents', () => {
  /** n Number nodes, each feeding the next through an Add when `chained`, else n lone Numbers. */
  const big = (n: number, chained: boolean) => {
    const nodes = Array.from({ length: n }, (_, i) => ({ id: `n${i}`, type: i === 0 || !chained ? 'test.number' : 'test.add' }));
    const edges: [string, string, string, string][] = chained ? nodes.slice(1).map((nd, i) => [`n${i}`, i === 0 ? 'value' : 'sum', nd.id, 'a']) : [];
    return JSON.stringify(doc(nodes, edges));
  };

  // Ten documents of 2,000 nodes against one of 20,000: about the same for linear work, ten times as
  // much for quadratic work. Only the growth is tested, not the machine's speed; the bound sits between
  // the two so that a busy machine (best of five) does not decide the outcome.
  it.each([['isolated nodes', false], ['a chain', true]] as const)('validates 20,000 %s in linear-looking time', (_name, chained) => {
    const small = big(2_000, chained);
    const large = big(20_000, chained);
    expect(loadGraph(large, catalog).ok).toBe(true);
    const ten = time(() => { for (let k = 0; k < 10; k++) loadGraph(small, catalog); });
    const one = time(() => loadGraph(large, catalog));
    expect(one / ten).toBeLessThan(5);
  });
});
