// Every ready-made graph the app lists must open, and name only models the project ships.
import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadGraph } from '../src/graph/validate.ts';
import { createNodeRuntime } from '../src/runtime/node.ts';
import { builtinRegistry } from './registry.ts';

const dir = new URL('../graphs/', import.meta.url);
const files = readdirSync(dir).filter((f) => f.endsWith('.json'));
const registry = builtinRegistry();
const store = createNodeRuntime({ threads: 1 }).store;

describe('example graphs', () => {
  it.each(files)('%s loads and its models are bundled', async (file) => {
    const result = loadGraph(readFileSync(new URL(file, dir), 'utf8'), registry);
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (!result.ok) return;
    for (const node of result.doc.nodes) {
      const def = registry.get(node.type)!;
      for (const [name, spec] of Object.entries(def.params)) {
        if (spec.kind !== 'model') continue;
        const manifest = await store.get(String(node.params[name]));
        if (spec.modelKind !== 'any') expect(manifest.kind, `${file}: ${node.id}.${name}`).toBe(spec.modelKind);
      }
    }
  });
});

describe('saved files of earlier versions', () => {
  const old = new URL('../src/graph/fixtures/', import.meta.url);
  it.each(readdirSync(old).filter((f) => f.endsWith('.json')))('%s still loads, every node at its current version', (file) => {
    const result = loadGraph(readFileSync(new URL(file, old), 'utf8'), registry);
    expect(result.ok ? [] : result.problems).toEqual([]);
    if (result.ok) for (const node of result.doc.nodes) expect(node.version).toBe(registry.get(node.type)!.version);
  });
});
