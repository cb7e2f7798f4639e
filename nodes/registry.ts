// Every node type the app knows. The editor's palette and the executor read this same list.
import type { Catalog } from '../src/graph/catalog.ts';
import type { NodeDefinition } from './api.ts';
import prompt from './core/prompt.ts';
import applyModel from './image/applyModel.ts';
import gradient from './image/gradient.ts';
import imageOutput from './image/output.ts';
import loadModel from './model/loadModel.ts';

export const BUILTIN_NODES: NodeDefinition[] = [prompt, gradient, imageOutput, applyModel, loadModel];

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
