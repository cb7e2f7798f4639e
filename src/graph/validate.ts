// Loading a document: parse, refuse dangerous keys, migrate, check shape, then check meaning.
// Every problem is reported, each naming its node, port, edge or field.
import { bypassProblems } from './bypass.ts';
import type { Catalog } from './catalog.ts';
import { findPort, inputTakenRule, selfRule, typeRule } from './connect.ts';
import { migrate, migrateNode } from './migrations.ts';
import { defaultParams, paramProblem } from './params.ts';
import { graphSchemaV1 } from './schema.ts';
import { topoSort } from './topo.ts';
import { GRAPH_FORMAT, type GraphDoc, type GraphNode, type Problem } from './types.ts';

export type LoadResult = { ok: true; doc: GraphDoc; migratedFrom: number } | { ok: false; problems: Problem[] };

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export function loadGraph(input: string | unknown, catalog: Catalog): LoadResult {
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (e) {
      return fail({ code: 'malformed-json', message: `not valid JSON: ${(e as Error).message}` });
    }
  }
  const keys = forbiddenKeys(raw, '');
  if (keys.length > 0) {
    return { ok: false, problems: keys.map((field) => ({ code: 'forbidden-key', field, message: `forbidden key at ${field}` })) };
  }
  if (!isObject(raw)) return fail({ code: 'not-an-object', message: 'a graph must be a JSON object' });
  if (raw.format !== GRAPH_FORMAT) {
    return fail({ code: 'wrong-format', field: 'format', message: `"format" must be "${GRAPH_FORMAT}" (got ${JSON.stringify(raw.format)})` });
  }
  const migrated = migrate(raw);
  if (!migrated.ok) return fail({ code: 'bad-version', field: 'version', message: migrated.message });

  const parsed = graphSchemaV1.safeParse(migrated.doc);
  if (!parsed.success) {
    return { ok: false, problems: parsed.error.issues.map((issue) => shapeProblem(issue.path, issue.message, migrated.doc)) };
  }
  const shaped = parsed.data as GraphDoc;
  const doc = withDefaults(shaped, catalog);
  const problems = checkMeaning(doc, catalog);
  return problems.length > 0 ? { ok: false, problems } : { ok: true, doc, migratedFrom: migrated.from };
}

/** Problems that leave no usable document; the others are about single nodes or edges. */
export const STRUCTURAL_CODES = new Set(['malformed-json', 'forbidden-key', 'not-an-object', 'wrong-format', 'bad-version', 'bad-shape']);

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

/** Checks a structurally valid document against the node catalog. */
export function checkMeaning(doc: GraphDoc, catalog: Catalog): Problem[] {
  const problems: Problem[] = [];
  const seenNodes = new Set<string>();
  for (const node of doc.nodes) {
    const where = `node "${node.id}"`;
    if (seenNodes.has(node.id)) problems.push({ code: 'duplicate-node-id', node: node.id, message: `two nodes have the id "${node.id}"` });
    seenNodes.add(node.id);
    const schema = catalog.get(node.type);
    if (!schema) {
      problems.push({ code: 'unknown-node-type', node: node.id, field: 'type', message: `${where} has unknown type "${node.type}"` });
      continue;
    }
    if (node.version > schema.version) {
      problems.push({ code: 'node-version-too-new', node: node.id, field: 'version', message: `${where} (${node.type}) is version ${node.version}, newer than this app knows (${schema.version})` });
    } else if (node.version < schema.version) {
      problems.push({ code: 'node-version-old', node: node.id, field: 'version', message: `${where} (${node.type}) is version ${node.version}, and this app has no way to bring it up to version ${schema.version}` });
      continue;
    }
    for (const [name, value] of Object.entries(node.params)) {
      const spec = schema.params[name];
      const field = `params.${name}`;
      if (!spec) {
        problems.push({ code: 'unknown-param', node: node.id, field, message: `${where} (${node.type}) has no param "${name}"` });
        continue;
      }
      const why = paramProblem(spec, value);
      if (why) problems.push({ code: 'bad-param', node: node.id, field, message: `${where} (${node.type}): param "${name}" ${why}` });
    }
  }

  const knownType = (id: string): boolean => catalog.get(doc.nodes.find((n) => n.id === id)!.type) !== undefined;
  const seenEdges = new Set<string>();
  const accepted: GraphDoc['edges'] = [];
  for (const edge of doc.edges) {
    const problem = (code: string, message: string, port?: string, node: string | undefined = edge.to.node): void => {
      problems.push({ code, edge: edge.id, node, port, message: `edge "${edge.id}": ${message}` });
    };
    if (seenEdges.has(edge.id)) problem('duplicate-edge-id', `two edges have the id "${edge.id}"`);
    seenEdges.add(edge.id);
    const missing = [edge.from.node, edge.to.node].find((id) => !seenNodes.has(id));
    if (missing) {
      const other = missing === edge.to.node ? edge.from.node : edge.to.node;
      problem('edge-to-missing-node', `connects node "${missing}", which does not exist`, undefined, seenNodes.has(other) ? other : undefined);
      continue;
    }
    if (!knownType(edge.from.node) || !knownType(edge.to.node)) continue; // already reported above
    const from = findPort(doc, catalog, edge.from, 'outputs');
    const to = findPort(doc, catalog, edge.to, 'inputs');
    if ('reason' in from) { problem('unknown-port', from.reason, edge.from.port, edge.from.node); continue; }
    if ('reason' in to) { problem('unknown-port', to.reason, edge.to.port); continue; }
    for (const [code, v] of [
      ['self-edge', selfRule(edge.from, edge.to)],
      ['type-mismatch', typeRule(from.spec, to.spec, catalog)],
      ['input-taken', inputTakenRule(accepted, edge.to)],
    ] as const) {
      if (!v.ok) problem(code, v.reason, edge.to.port);
    }
    accepted.push(edge);
  }

  for (const node of doc.nodes) {
    const schema = catalog.get(node.type);
    if (!schema) continue;
    if (node.bypass) continue; // it does not run: only what it passes on must be connected (below)
    for (const [port, spec] of Object.entries(schema.inputs)) {
      if (spec.optional || doc.edges.some((e) => e.to.node === node.id && e.to.port === port)) continue;
      problems.push({ code: 'missing-input', node: node.id, port, message: `node "${node.id}" (${node.type}): required input "${port}" is not connected` });
    }
  }

  problems.push(...bypassProblems(doc, catalog));

  const sorted = topoSort([...seenNodes], doc.edges);
  if (!sorted.ok) {
    problems.push({ code: 'cycle', node: sorted.cycle[0], message: `the graph has a cycle: ${[...sorted.cycle, sorted.cycle[0]].map((id) => `"${id}"`).join(' -> ')}` });
  }
  return problems;
}

function shapeProblem(path: PropertyKey[], message: string, doc: Record<string, unknown>): Problem {
  const field = path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('').replace(/^\./, '');
  const problem: Problem = { code: 'bad-shape', field, message: `${field || 'document'}: ${message}` };
  if ((path[0] === 'nodes' || path[0] === 'edges') && typeof path[1] === 'number') {
    const item = (doc[path[0]] as unknown[])[path[1]];
    const itemId = isObject(item) && typeof item.id === 'string' && item.id !== '' ? item.id : undefined;
    if (itemId !== undefined) {
      if (path[0] === 'nodes') problem.node = itemId;
      else problem.edge = itemId;
      problem.message = `${path[0] === 'nodes' ? 'node' : 'edge'} "${itemId}": ${path.slice(2).join('.') || 'entry'}: ${message}`;
    }
  }
  return problem;
}

function forbiddenKeys(value: unknown, path: string): string[] {
  if (Array.isArray(value)) return value.flatMap((v, i) => forbiddenKeys(v, `${path}[${i}]`));
  if (!isObject(value)) return [];
  return Object.keys(value).flatMap((k) => {
    const here = path ? `${path}.${k}` : k;
    return FORBIDDEN_KEYS.has(k) ? [here] : forbiddenKeys(value[k], here);
  });
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function fail(problem: Problem): LoadResult {
  return { ok: false, problems: [problem] };
}
