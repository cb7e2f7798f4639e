// One run of a graph on a Node engine, its images written as PNG: the CLI, the in-process server and the
// queue's workers all run graphs through this, so a run gives the same bytes whichever way it came.
import { writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import type { Catalog } from '../graph/catalog.ts';
import { quote } from '../graph/text.ts';
import type { GraphDoc } from '../graph/types.ts';
import { isImage } from '../image/value.ts';
import { encodePng, GRAPH_CHUNK_KEYWORD } from '../image/png.ts';
import { savedImages } from '../image/save.ts';
import type { StepsValue } from '../kernel/values.ts';
import type { NodeEngine } from '../engine/client.node.ts';
import type { RunEvent, RunResult } from '../engine/events.ts';
import { vaeFor, withStepDecodes } from '../../nodes/diffusion/stepGraph.ts';
import { OutputFiles } from './outputFiles.ts';

export interface ExecuteOptions {
  catalog: Catalog;
  targets?: string[];
  /** Write every step of every Denoise node too. */
  steps: boolean;
  files: OutputFiles;
  /** Added to every file name before ".png" (".noise.seed-5"), so a sweep's files say which run made them. */
  suffix?: string;
  onEvent?: (event: RunEvent) => void;
  /** Told what was written: each image, and each Denoise's steps in one line. */
  log?: (line: string) => void;
}

export interface Executed {
  result: RunResult;
  /** Paths of the files written, in order. */
  files: string[];
}

/** Runs `doc` (one run at a time per engine) and writes its output images; events arrive before it resolves. */
export async function executeRun(engine: NodeEngine, doc: GraphDoc, options: ExecuteOptions): Promise<Executed> {
  const { files, suffix = '' } = options;
  const written: string[] = [];
  const write = async (stem: string, bytes: Uint8Array, quiet = false) => {
    const path = files.claim(`${stem}${suffix}`);
    await writeFile(path, bytes);
    written.push(path);
    if (!quiet) options.log?.(`wrote ${path}`);
  };
  // Events come over their own channel and may trail the result: the run waits for the last one.
  let lastEvent!: () => void;
  const allEvents = new Promise<void>((done) => { lastEvent = done; });
  const onEvent = (e: RunEvent) => {
    options.onEvent?.(e);
    if (e.type === 'run-finished') lastEvent();
  };
  const result = await engine.api.run(doc, { targets: options.targets }, engine.listen(onEvent));
  await Promise.race([allEvents, new Promise((wait) => setTimeout(wait, 5000).unref())]);
  if (result.status === 'invalid') return { result, files: written };
  const graphText = JSON.stringify(doc);
  // Save Image nodes name their files; every other output node's images are written by node id.
  const saved = await savedImages(doc, result.results, options.catalog);
  for (const { filename, bytes } of saved) await write(filename.replace(/\.png$/, ''), bytes);
  for (const [nodeId, outputs] of Object.entries(result.results)) {
    if (saved.some((s) => s.nodeId === nodeId)) continue;
    for (const [port, value] of Object.entries(outputs)) {
      if (!isImage(value)) continue;
      for (let i = 0; i < value.batch; i++) {
        await write(`${nodeId}${port === 'image' ? '' : `-${port}`}${value.batch > 1 ? `-${i}` : ''}`, await encodePng(value, { [GRAPH_CHUNK_KEYWORD]: graphText }, i));
      }
    }
  }
  if (options.steps) {
    for (const node of doc.nodes.filter((n) => n.type === 'diffusion.denoise' && result.nodes[n.id]?.state === 'done')) {
      const count = await writeSteps(engine, doc, node.id, graphText, (stem, bytes) => write(stem, bytes, true));
      if (count > 0) options.log?.(`wrote ${count} steps of ${quote(node.id)} to ${files.dir}`);
    }
  }
  return { result, files: written };
}

/** Every recorded step of a Denoise, decoded through its graph's VAE: <id>-step-<k>.png. */
async function writeSteps(engine: NodeEngine, doc: GraphDoc, denoiseId: string, graphText: string, write: (stem: string, bytes: Uint8Array) => Promise<void>): Promise<number> {
  const steps = (await engine.api.outputs(denoiseId))?.steps as StepsValue | undefined;
  if (!steps || !vaeFor(doc, denoiseId)) return 0;
  const decodes = withStepDecodes(doc, denoiseId, steps.indices.map((_, k) => k));
  const result = await engine.api.run(decodes.doc, { targets: decodes.outputs.map((o) => o.nodeId) });
  for (const { step, nodeId } of decodes.outputs) {
    const image = result.results[nodeId]?.image;
    if (!isImage(image)) continue;
    await write(`${denoiseId}-step-${String(steps.indices[step]).padStart(3, '0')}`, await encodePng(image, { [GRAPH_CHUNK_KEYWORD]: graphText }));
  }
  return steps.indices.length;
}

/** The file names (no folders) of paths written. */
export const fileNames = (paths: readonly string[]) => paths.map((p) => basename(p));
