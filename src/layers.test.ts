// The dependency rule, read from the imports themselves: layers point one way, and nothing in src/
// reaches up into nodes/ except the composition roots that choose which nodes an app has.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(import.meta.dirname, '..');

/** What each layer may import besides itself. Listed bottom up. */
const MAY_IMPORT: Record<string, readonly string[]> = {
  'src/graph': [],
  'src/diffusion': [],
  'src/runtime': ['src/graph'],
  'src/image': ['src/graph', 'src/runtime'],
  'src/kernel': ['src/graph', 'src/runtime', 'src/image', 'src/diffusion'],
  'src/models': ['src/graph', 'src/runtime', 'src/image', 'src/kernel'],
  'src/engine': ['src/graph', 'src/runtime', 'src/image', 'src/kernel'],
  nodes: ['src/graph', 'src/runtime', 'src/image', 'src/kernel', 'src/diffusion', 'src/models'],
  'src/editor': ['src/graph', 'src/runtime', 'src/image', 'src/kernel', 'src/diffusion', 'src/models', 'src/engine'],
  'src/server': ['src/graph', 'src/runtime', 'src/image', 'src/kernel', 'src/diffusion', 'src/models', 'src/engine', 'nodes'],
  'src/cli': ['src/graph', 'src/runtime', 'src/image', 'src/kernel', 'src/diffusion', 'src/models', 'src/engine', 'nodes', 'src/server'],
};

/** The files that put an app together: they alone may also name the models service and the nodes. */
const COMPOSITION_ROOTS: Record<string, readonly string[]> = {
  'src/engine/worker.browser.ts': ['nodes', 'src/models'],
  'src/engine/worker.node.ts': ['nodes'],
  'src/editor/catalog.ts': ['nodes'],
};

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !/\.test\.tsx?$/.test(f))
    .map((f) => join(dir, f));
}

const layerOf = (file: string) => Object.keys(MAY_IMPORT).find((l) => file === l || file.startsWith(`${l}/`));

function imports(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  return [...text.matchAll(/(?:from|import)\s*\(?\s*['"](\.{1,2}\/[^'"]+)['"]/g)]
    .map(([, spec]) => relative(ROOT, resolve(dirname(join(ROOT, file)), spec)));
}

describe('the dependency rule', () => {
  const files = [...Object.keys(MAY_IMPORT).flatMap(sources)];

  it('finds the code it checks', () => {
    for (const layer of Object.keys(MAY_IMPORT)) expect(files.some((f) => layerOf(f) === layer), layer).toBe(true);
  });

  it('every import points down, and only composition roots name the nodes', () => {
    const wrong: string[] = [];
    for (const file of files) {
      const from = layerOf(file)!;
      for (const target of imports(file)) {
        const to = layerOf(target);
        if (!to || to === from) continue;
        if (MAY_IMPORT[from].includes(to) || COMPOSITION_ROOTS[file]?.includes(to)) continue;
        wrong.push(`${file} -> ${target}`);
      }
    }
    expect(wrong).toEqual([]);
  });
});
