// Loading a document: parse, refuse dangerous keys, migrate, check shape, then check meaning.
// Every problem is reported, each naming its node, port, edge or field.
import { bypassProblems } from './bypass.ts';
import { ANY_TYPE, type Catalog } from './catalog.ts';
import { carriedTypeRule, inputTakenRule, nodePort, selfRule, typeRule } from './connect.ts';
import { findJsonError } from './jsonError.ts';
import { migrate, migrateNode } from './migrations.ts';
import { defaultParams, paramProblem } from './params.ts';
import { graphSchemaV1 } from './schema.ts';
import { topoSort } from './topo.ts';
import { clip, describeValue, own, quote } from './text.ts';
import { GRAPH_FORMAT, GRAPH_VERSION, type GraphDoc, type GraphEdge, type GraphNode, type Problem } from './types.ts';

export type LoadResult = { ok: true; doc: GraphDoc; migratedFrom: number } | { ok: false; problems: Problem[] };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Deeper nesting than any graph needs; such a document is refused before anything walks it. */
export const MAX_JSON_DEPTH = 1000;
/** At most this many forbidden keys are listed, then how many more there are. */
const MAX_KEY_PROBLEMS = 20;

export function loadGraph(input: string | unknown, catalog: Catalog): LoadResult {
  let raw: unknown = input;
  if (typeof input === 'string') {
    // Some editors start UTF-8 files with a byte order mark; it is not part of the JSON.
    const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
    try {
      raw = JSON.parse(text);
    } catch (e) {
      const at = findJsonError(text);
      return fail({ code: 'malformed-json', message: at ? `not valid JSON: line ${at.line}, column ${at.column}: ${at.reason}` : `not valid JSON: ${clip((e as Error).message, 200)}` });
    }
  }
  const walked = walkKeys(raw);
  if (walked.tooDeep) {
    return fail({ code: 'too-deep', field: walked.tooDeep, message: `the document nests deeper than ${MAX_JSON_DEPTH} levels (at ${clip(walked.tooDeep)})` });
  }
  if (walked.forbidden.length > 0) {
    const problems: Problem[] = walked.forbidden.slice(0, MAX_KEY_PROBLEMS).map((field) => ({ code: 'forbidden-key', field, message: `forbidden key at ${clip(field)}` }));
    const more = walked.forbidden.length - MAX_KEY_PROBLEMS;
    if (more > 0) problems.push({ code: 'forbidden-key', message: `and ${more} more forbidden key${more === 1 ? '' : 's'}` });
    return { ok: false, problems };
  }
  if (!isObject(raw)) return fail({ code: 'not-an-object', message: 'a graph must be a JSON object' });

  // Every structural problem at once: format, version and shape are checked independently.
  const problems: Problem[] = [];
  if (raw.format !== GRAPH_FORMAT) {
    problems.push({ code: 'wrong-format', field: 'format', message: `"format" must be "${GRAPH_FORMAT}" (got ${describeValue(raw.format)})` });
  }
  const migrated = migrate(raw);
  if (!migrated.ok) {
    problems.push({ code: 'bad-version', field: 'version', message: migrated.message });
    // A newer version may have another shape; only an unreadable version leaves the shape to check.
    if (typeof raw.version === 'number' && raw.version > GRAPH_VERSION) return { ok: false, problems };
  }
  const body = migrated.ok ? migrated.doc : raw;
  const parsed = graphSchemaV1.safeParse({ ...body, format: GRAPH_FORMAT, version: GRAPH_VERSION });
  if (!parsed.success) problems.push(...parsed.error.issues.map((issue) => shapeProblem(issue.path, issue.message, body)));
  if (problems.length > 0 || !parsed.success || !migrated.ok) return { ok: false, problems };
  const shaped = parsed.data as GraphDoc;
  const doc = withDefaults(shaped, catalog);
  const meaning = checkMeaning(doc, catalog);
  return meaning.length > 0 ? { ok: false, problems: meaning } : { ok: true, doc, migratedFrom: migrated.from };
}

/** Problems that leave no usable document; the others are about single nodes or edges. */
export const STRUCTURAL_CODES = new Set(['malformed-json', 'too-deep', 'forbidden-key', 'not-an-object', 'wrong-format', 'bad-version', 'bad-shape']);

/** Every node at its type's version, with every param its type declares: missing ones take their defaults. */
export function withDefaults(doc: GraphDoc, catalog: Catalog): GraphDoc {
  return { ...doc, nodes: doc.nodes.map((n) => nodeWithDefaults(n, catalog)) };
}

function nodeWithDefaults(node: GraphNode, catalog: Catalog): GraphNode {
  const schema = catalog.get(node.type);
  if (!schema) return node;
  // A node that cannot be brought up to date keeps its version; checkMeaning says so.
  const current = node.version < schema.version ? (migrateNode(node, schema) ?? node) : node;
  return { ...current, params: { ...defaultParams(schema), ...current.params } };
}

/**
 * Checks a structurally valid document against the node catalog: named rules, each adding its
 * problems, in the order a person would want to hear them. Linear in nodes and edges.
 */
export function checkMeaning(doc: GraphDoc, catalog: Catalog): Problem[] {
  const byId = new Map<string, GraphNode>();
  for (const node of doc.nodes) if (!byId.has(node.id)) byId.set(node.id, node);
  return [
    ...nodeProblems(doc, catalog),
    ...edgeProblems(doc, catalog, byId),
    ...missingInputs(doc, catalog),
    ...bypassProblems(doc, catalog),
    ...cycleProblem(doc, byId),
  ];
}

/** Duplicate ids, unknown types, versions this app cannot read, unknown or bad params. */
function nodeProblems(doc: GraphDoc, catalog: Catalog): Problem[] {
  const problems: Problem[] = [];
  const seen = new Set<string>();
  for (const node of doc.nodes) {
    const where = `node ${quote(node.id)}`;
    if (seen.has(node.id)) problems.push({ code: 'duplicate-node-id', node: node.id, message: `two nodes have the id ${quote(node.id)}` });
    seen.add(node.id);
    const schema = catalog.get(node.type);
    if (!schema) {
      problems.push({ code: 'unknown-node-type', node: node.id, field: 'type', message: `${where} has unknown type ${quote(node.type)}` });
      continue;
    }
    if (node.version > schema.version) {
      problems.push({ code: 'node-version-too-new', node: node.id, field: 'version', message: `${where} (${node.type}) is version ${node.version}, newer than this app knows (${schema.version})` });
    } else if (node.version < schema.version) {
      problems.push({ code: 'node-version-old', node: node.id, field: 'version', message: `${where} (${node.type}) is version ${node.version}, and this app has no way to bring it up to version ${schema.version}` });
      continue;
    }
    for (const [name, value] of Object.entries(node.params)) {
      const spec = own(schema.params, name);
      const field = `params.${name}`;
      if (!spec) {
        problems.push({ code: 'unknown-param', node: node.id, field, message: `${where} (${node.type}) has no param ${quote(name)}` });
        continue;
      }
      const why = paramProblem(spec, value);
      if (why) problems.push({ code: 'bad-param', node: node.id, field, message: `${where} (${node.type}): param "${name}" ${why}` });
    }
  }
  return problems;
}

/** Every wire against the connection rules the canvas uses: ends that exist, ports, types, one wire per input. */
function edgeProblems(doc: GraphDoc, catalog: Catalog, byId: Map<string, GraphNode>): Problem[] {
  const problems: Problem[] = [];
  const knownType = (id: string): boolean => catalog.get(byId.get(id)!.type) !== undefined;
  const seenEdges = new Set<string>();
  /** The accepted edge into each input, by node and port. */
  const wired = new Map<string, GraphEdge>();
  for (const edge of doc.edges) {
    const problem = (code: string, message: string, port?: string, node: string | undefined = edge.to.node): void => {
      problems.push({ code, edge: edge.id, node, port, message: `edge ${quote(edge.id)}: ${message}` });
    };
    if (seenEdges.has(edge.id)) problem('duplicate-edge-id', `two edges have the id ${quote(edge.id)}`);
    seenEdges.add(edge.id);
    const missing = [edge.from.node, edge.to.node].find((id) => !byId.has(id));
    if (missing !== undefined) {
      const other = missing === edge.to.node ? edge.from.node : edge.to.node;
      problem('edge-to-missing-node', `connects node ${quote(missing)}, which does not exist`, undefined, byId.has(other) ? other : undefined);
      continue;
    }
    if (!knownType(edge.from.node) || !knownType(edge.to.node)) continue; // already reported by nodeProblems
    const from = nodePort(byId.get(edge.from.node), catalog, edge.from, 'outputs');
    const to = nodePort(byId.get(edge.to.node), catalog, edge.to, 'inputs');
    if ('reason' in from) { problem('unknown-port', from.reason, edge.from.port, edge.from.node); continue; }
    if ('reason' in to) { problem('unknown-port', to.reason, edge.to.port); continue; }
    const input = inputKey(edge.to.node, edge.to.port);
    const taken = wired.get(input);
    for (const [code, v] of [
      ['self-edge', selfRule(edge.from, edge.to)],
      ['type-mismatch', from.spec.type === ANY_TYPE || to.spec.type === ANY_TYPE ? carriedTypeRule(doc, catalog, edge.from, from.spec, edge.to, to.spec) : typeRule(from.spec, to.spec, catalog)],
      ['input-taken', inputTakenRule(taken ? [taken] : [], edge.to)],
    ] as const) {
      if (!v.ok) problem(code, v.reason, edge.to.port);
    }
    if (!taken) wired.set(input, edge);
  }
  return problems;
}

/** Required inputs with no wire; a bypassed node does not run, so bypassProblems checks what it passes on. */
function missingInputs(doc: GraphDoc, catalog: Catalog): Problem[] {
  const problems: Problem[] = [];
  const connected = new Set(doc.edges.map((e) => inputKey(e.to.node, e.to.port)));
  for (const node of doc.nodes) {
    const schema = catalog.get(node.type);
    if (!schema || node.bypass) continue;
    for (const [port, spec] of Object.entries(schema.inputs)) {
      if (spec.optional || connected.has(inputKey(node.id, port))) continue;
      problems.push({ code: 'missing-input', node: node.id, port, message: `node ${quote(node.id)} (${node.type}): required input "${port}" is not connected` });
    }
  }
  return problems;
}

function cycleProblem(doc: GraphDoc, byId: Map<string, GraphNode>): Problem[] {
  const sorted = topoSort([...byId.keys()], doc.edges);
  if (sorted.ok) return [];
  const shown = sorted.cycle.length > 20 ? [...sorted.cycle.slice(0, 20).map((id) => quote(id)), `… (${sorted.cycle.length} nodes)`] : [...sorted.cycle, sorted.cycle[0]].map((id) => quote(id));
  return [{ code: 'cycle', node: sorted.cycle[0], message: `the graph has a cycle: ${shown.join(' -> ')}` }];
}

const inputKey = (node: string, port: string) => `${node}\u0000${port}`;

function shapeProblem(path: PropertyKey[], message: string, doc: Record<string, unknown>): Problem {
  const field = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  const problem: Problem = { code: 'bad-shape', field, message: `${clip(field) || 'document'}: ${message}` };
  if ((path[0] === 'nodes' || path[0] === 'edges') && typeof path[1] === 'number') {
    const item = (doc[path[0]] as unknown[])[path[1]];
    const itemId = isObject(item) && typeof item.id === 'string' && item.id !== '' ? item.id : undefined;
    if (itemId !== undefined) {
      if (path[0] === 'nodes') problem.node = itemId;
      else problem.edge = itemId;
      problem.message = `${path[0] === 'nodes' ? 'node' : 'edge'} ${quote(itemId)}: ${clip(path.slice(2).join('.')) || 'entry'}: ${message}`;
    }
  }
  return problem;
}

/**
 * The paths of forbidden keys, in document order, and the first path nested past MAX_JSON_DEPTH.
 * Iterative, with each entry pointing at its parent, so depth costs no stack and paths are built
 * only for what is reported.
 */
function walkKeys(root: unknown): { forbidden: string[]; tooDeep?: string } {
  interface Entry { value: unknown; key: string | number | null; parent: Entry | null; depth: number; bad?: boolean }
  const forbidden: string[] = [];
  const stack: Entry[] = [{ value: root, key: null, parent: null, depth: 0 }];
  while (stack.length > 0) {
    const entry = stack.pop()!;
    const { value, depth } = entry;
    if (entry.bad) {
      forbidden.push(pathOf(entry));
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= MAX_JSON_DEPTH) return { forbidden, tooDeep: pathOf(entry) };
    const children: Entry[] = [];
    if (Array.isArray(value)) {
      value.forEach((v, i) => children.push({ value: v, key: i, parent: entry, depth: depth + 1 }));
    } else {
      for (const k of Object.keys(value)) {
        children.push({ value: (value as Record<string, unknown>)[k], key: k, parent: entry, depth: depth + 1, bad: FORBIDDEN_KEYS.has(k) });
      }
    }
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i]);
  }
  return { forbidden };
}

function pathOf(entry: { key: string | number | null; parent: { key: string | number | null; parent: unknown } | null }): string {
  const keys: (string | number)[] = [];
  for (let e: typeof entry | null = entry; e && e.key !== null; e = e.parent as typeof entry | null) keys.push(e.key);
  return keys.reverse().map((k, i) => (typeof k === 'number' ? `[${k}]` : i === 0 ? k : `.${k}`)).join('');
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(problem: Problem): LoadResult {
  return { ok: false, problems: [problem] };
}
