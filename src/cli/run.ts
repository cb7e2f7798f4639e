// `latent-loom run graph.json --out dir/`: runs a saved graph headlessly and writes its images as PNG.
import { availableParallelism } from 'node:os';
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadGraph } from '../graph/validate.ts';
import { clip, quote } from '../graph/text.ts';
import { builtinRegistry } from '../../nodes/registry.ts';
import { vaeFor, withStepDecodes } from '../../nodes/diffusion/stepGraph.ts';
import { isImage, type ImageValue } from '../image/value.ts';
import type { StepsValue } from '../kernel/values.ts';
import type { GraphDoc } from '../graph/types.ts';
import { startNodeEngine, type NodeEngine } from '../engine/client.node.ts';
import type { RunEvent } from '../engine/events.ts';
import { encodePng, GRAPH_CHUNK_KEYWORD } from '../image/png.ts';
import { savedImages } from '../image/save.ts';
import { userModelRoots } from '../models/disk.ts';
import { makeDirectory } from '../runtime/paths.ts';
import { boolFlag, checkFlags, flag, intFlag, UsageError, wantsHelp, type Args } from './args.ts';
import { readGraphFile } from './graphFile.ts';
import { OutputFiles } from './outputFiles.ts';

/** onnxruntime's threads: from 1 to this. More only costs memory (a billion fails to allocate). */
export const MAX_THREADS = Math.max(64, availableParallelism() * 4);

export const RUN_USAGE = `  latent-loom run graph.json [--out DIR] [--target NODE]... [--threads N] [--models DIR]... [--steps true|false] [--verbose]

  Runs every output node of the graph (or only what each --target needs) and writes the images as PNG
  into --out (default ./out): output nodes as <node id>.png, Save Image nodes under their file name,
  and every Denoise step as <node id>-step-<k>.png unless --steps false. File names keep letters,
  digits, '.', '_' and '-' of the id; two outputs with the same name get -2, -3… added.
  --threads N    onnxruntime threads, 1 to ${MAX_THREADS} (default: one per CPU core)
  --models DIR   another folder of model folders (each with a manifest.json); repeatable
  --verbose      print onnxruntime's own message under a failed node's error
  Exit status: 0 when every node ran, 1 when a node failed, 2 when the graph or an option is invalid.`;

const RUN_FLAGS = ['out', 'target', 'threads', 'models', 'steps', 'verbose'];

export async function runCommand(args: Args, log: (line: string) => void): Promise<number> {
  if (wantsHelp(args)) {
    log(`usage:\n${RUN_USAGE}`);
    return 0;
  }
  checkFlags(args, RUN_FLAGS, RUN_USAGE);
  const [file] = args.positionals;
  if (!file) throw new UsageError(`usage:\n${RUN_USAGE}`);
  const threads = intFlag(args, 'threads', 1, MAX_THREADS);
  const steps = boolFlag(args, 'steps', true);
  const verbose = boolFlag(args, 'verbose', false);
  const text = await readGraphFile(file);
  const registry = builtinRegistry();
  const loaded = loadGraph(text, registry);
  if (!loaded.ok) {
    for (const p of loaded.problems) log(`error: ${p.message}`);
    return 2;
  }
  const doc = loaded.doc;
  const ids = new Set(doc.nodes.map((n) => n.id));
  const targets = args.flags.get('target');
  const unknown = targets?.find((t) => !ids.has(t));
  if (unknown !== undefined) {
    log(`error: --target ${quote(unknown)} is not a node of this graph`);
    return 2;
  }
  // The folder is made (or refused) before anything runs, so a bad --out costs no model time.
  const out = await makeDirectory(resolve(flag(args, 'out') ?? 'out'), '--out folder').catch((e: Error) => Promise.reject(new UsageError(e.message)));
  const types = new Map(doc.nodes.map((n) => [n.id, n.type]));
  const title = (id: string) => { const type = types.get(id); return type ? registry.get(type)?.title ?? type : 'node'; };
  const titles = new Map(doc.nodes.map((n) => [n.id, `${title(n.id)} (${quote(n.id)})`]));
  const engine = startNodeEngine({ threads, modelRoots: [...(args.flags.get('models') ?? []), ...userModelRoots()] });
  try {
    // Events come over their own channel and may trail the result: the summary waits for the last one.
    let lastEvent!: () => void;
    const allEvents = new Promise<void>((done) => { lastEvent = done; });
    const onEvent = (e: RunEvent) => {
      if (e.type === 'run-finished') lastEvent();
      if (!('nodeId' in e)) return;
      const name = titles.get(e.nodeId) ?? quote(e.nodeId);
      if (e.type === 'node-started') log(`${name}: running`);
      else if (e.type === 'node-progress') log(`${name}: step ${e.step}/${e.total}`);
      else if (e.type === 'node-finished') log(`${name}: ${e.cached ? 'cached' : `done in ${e.ms.toFixed(1)} ms`}`);
      else if (e.type === 'node-failed') {
        // The message names the node; onnxruntime's own text is shown only on request.
        log(`error: ${e.message}${e.details && !verbose ? ' (--verbose shows onnxruntime\'s own message)' : ''}`);
        if (verbose && e.details) log(`  onnxruntime said: ${clip(e.details, 2000)}`);
      } else if (e.type === 'node-skipped') log(`${name}: skipped, ${e.because}`);
    };
    const result = await engine.api.run(doc, { targets }, engine.listen(onEvent));
    await Promise.race([allEvents, new Promise((wait) => setTimeout(wait, 5000).unref())]);
    if (result.status === 'invalid') {
      for (const p of result.problems) log(`error: ${p.message}`);
      return 2;
    }
    const files = new OutputFiles(out);
    const graphText = JSON.stringify(doc);
    // Save Image nodes name their files; every other output node's images are written by node id.
    const saved = await savedImages(doc, result.results, registry);
    for (const { filename, bytes } of saved) {
      const path = files.claim(filename.replace(/\.png$/, ''));
      await writeFile(path, bytes);
      log(`wrote ${path}`);
    }
    for (const [nodeId, outputs] of Object.entries(result.results)) {
      if (saved.some((s) => s.nodeId === nodeId)) continue;
      for (const [port, value] of Object.entries(outputs)) {
        if (!isImage(value)) continue;
        for (let i = 0; i < value.batch; i++) {
          const path = files.claim(`${nodeId}${port === 'image' ? '' : `-${port}`}${value.batch > 1 ? `-${i}` : ''}`);
          await writeFile(path, await encodePng(value, { [GRAPH_CHUNK_KEYWORD]: graphText }, i));
          log(`wrote ${path}`);
        }
      }
    }
    if (steps) {
      for (const node of doc.nodes.filter((n) => n.type === 'diffusion.denoise' && result.nodes[n.id]?.state === 'done')) {
        await writeSteps(engine, doc, node.id, files, graphText, log);
      }
    }
    log(`run ${result.status} in ${result.ms.toFixed(0)} ms`);
    return result.status === 'done' ? 0 : 1;
  } finally {
    await engine.close();
  }
}

/** Every recorded step of a Denoise, decoded through its graph's VAE: <id>-step-<k>.png. */
async function writeSteps(engine: NodeEngine, doc: GraphDoc, denoiseId: string, files: OutputFiles, graphText: string, log: (l: string) => void) {
  const steps = (await engine.api.outputs(denoiseId))?.steps as StepsValue | undefined;
  if (!steps || !vaeFor(doc, denoiseId)) return;
  const decodes = withStepDecodes(doc, denoiseId, steps.indices.map((_, k) => k));
  const result = await engine.api.run(decodes.doc, { targets: decodes.outputs.map((o) => o.nodeId) });
  for (const { step, nodeId } of decodes.outputs) {
    const image = result.results[nodeId]?.image;
    if (!isImage(image)) continue;
    const file = files.claim(`${denoiseId}-step-${String(steps.indices[step]).padStart(3, '0')}`);
    await writeFile(file, await encodePng(image, { [GRAPH_CHUNK_KEYWORD]: graphText }));
  }
  log(`wrote ${steps.indices.length} steps of ${quote(denoiseId)} to ${files.dir}`);
}
