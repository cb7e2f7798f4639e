// The example graphs as saved in graphs/: tests read from them the sizes and settings a run will have.
import { readFileSync } from 'node:fs';
import type { GraphDoc } from '../../src/graph/types.ts';

/** graphs/<name>.json. */
export const exampleGraph = (name: string): GraphDoc => JSON.parse(readFileSync(new URL(`../../graphs/${name}.json`, import.meta.url), 'utf8')) as GraphDoc;

/** A numeric param of one node of an example graph, as saved. */
export const exampleParam = (name: string, node: string, param: string): number => exampleGraph(name).nodes.find((n) => n.id === node)!.params[param] as number;
