// Every node type the app knows. The editor's palette and the executor read this same list.
import type { Catalog } from '../src/graph/catalog.ts';
import type { NodeDefinition } from './api.ts';
import core from './core/index.ts';
import diffusion from './diffusion/index.ts';
import gan from './gan/index.ts';
import images from './image/index.ts';
import models from './model/index.ts';

/** Each category keeps its own list, so adding a node touches only its folder. */
export const BUILTIN_NODES: NodeDefinition[] = [...core, ...models, ...diffusion, ...images, ...gan];

export class Registry implements Catalog {
  private readonly byType = new Map<string, NodeDefinition>();

  constructor(defs: readonly NodeDefinition[] = BUILTIN_NODES) {
    for (const d of defs) {
      if (this.byType.has(d.type)) throw new Error(`node type "${d.type}" is defined twice`);
      this.byType.set(d.type, d);
    }
  }

  get(type: string): NodeDefinition | undefined {
    return this.byType.get(type);
  }

  all(): NodeDefinition[] {
    return [...this.byType.values()];
  }
}
