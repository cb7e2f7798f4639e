// The node types an engine knows, looked up by type. The engine and the editor type against
// NodeCatalog; which definitions fill it is chosen by the composition roots (nodes/registry.ts).
import type { Catalog } from '../graph/catalog.ts';
import type { NodeDefinition } from './define.ts';
import { WIRE_COERCIONS } from './values.ts';

export interface NodeCatalog extends Catalog {
  get(type: string): NodeDefinition | undefined;
}

export class Registry implements NodeCatalog {
  private readonly byType = new Map<string, NodeDefinition>();
  readonly coercions = WIRE_COERCIONS;

  constructor(defs: readonly NodeDefinition[]) {
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
