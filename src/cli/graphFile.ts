// Reading a graph file for the CLI: a regular file of bounded size only (never a pipe or a device).
import { readLocalFile } from '../image/source.ts';

/** Graphs are small: the largest example is a few KB, and 20,000 nodes are about 3 MB. */
export const MAX_GRAPH_FILE_BYTES = 64 * 1024 * 1024;

export async function readGraphFile(path: string): Promise<string> {
  return new TextDecoder().decode(await readLocalFile(path, MAX_GRAPH_FILE_BYTES, 'graph file'));
}
