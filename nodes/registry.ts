// Every node type the app knows. The editor's palette and the executor read this same list.
import type { NodeDefinition } from '../src/kernel/define.ts';
import { Registry } from '../src/kernel/registry.ts';
import core from './core/index.ts';
import diffusion from './diffusion/index.ts';
import gan from './gan/index.ts';
import images from './image/index.ts';
import latent from './latent/index.ts';
import masks from './mask/index.ts';
import models from './model/index.ts';

/** Each category keeps its own list, so adding a node touches only its folder. */
export const BUILTIN_NODES: NodeDefinition[] = [...core, ...models, ...diffusion, ...latent, ...images, ...masks, ...gan];

/** The built-in nodes, plus any extra ones (tests add their own). */
export function builtinRegistry(extra: readonly NodeDefinition[] = []): Registry {
  return new Registry([...BUILTIN_NODES, ...extra]);
}
