// `latent-loom run graph.json --out dir/`: runs a saved graph headlessly and writes its images as PNG.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { loadGraph } from '../graph/validate.ts';
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
import { flag, type Args } from './args.ts';

export async function runCommand(args: Args, log: (line: string) => void): Promise<number> {
  const [file] = args.positionals;
  if (!file) throw new Error('usage: latent-loom run graph.json --out dir/ [--target NODE]... [--threads N] [--models DIR] [--steps false]');
  const out = resolve(flag(args, 'out') ?? 'out');
  const text = await readFile(file, 'utf8');
  const registry = builtinRegistry();
  const loaded = loadGraph(text, registry);
  if (!loaded.ok) {
    for (const p of loaded.problems) log(`error: ${p.message}`);
    return 2;
  }
  const doc = loaded.doc;
  const titles = new Map(doc.nodes.map((n) => [n.id, `${registry.get(n.type)?.title ?? n.type} ("${n.id}")`]));
  const threads = flag(args, 'threads');
  const engine = startNodeEngine({ threads: threads ? Number(threads) : undefined, modelRoots: [...(args.flags.get('models') ?? []), ...userModelRoots()] });
  try {
    const onEvent = (e: RunEvent) => {
      if (!('nodeId' in e)) return;
      const name = titles.get(e.nodeId);
      if (e.type === 'node-started') log(`${name}: running`);
      else if (e.type === 'node-progress') log(`${name}: step ${e.step}/${e.total}`);
      else if (e.type === 'node-finished') log(`${name}: ${e.cached ? 'cached' : `done in ${e.ms.toFixed(1)} ms`}`);
      else if (e.type === 'node-failed') log(`error: ${e.message}`); // the message names the node
      else if (e.type === 'node-skipped') log(`${name}: skipped, ${e.because}`);
    };
    const result = await engine.api.run(doc, { targets: args.flags.get('target') }, engine.listen(onEvent));
    if (result.status === 'invalid') {
      for (const p of result.problems) log(`error: ${p.message}`);
      return 2;
    }
    await mkdir(out, { recursive: true });
    const graphText = JSON.stringify(doc);
    // Save Image nodes name their files; every other output node's images are written by node id.
    const saved = await savedImages(doc, result.results, registry);
    for (const { filename, bytes } of saved) {
      await writeFile(resolve(out, filename), bytes);
      log(`wrote ${resolve(out, filename)}`);
    }
    for (const [nodeId, outputs] of Object.entries(result.results)) {
      if (saved.some((s) => s.nodeId === nodeId)) continue;
      for (const [port, value] of Object.entries(outputs)) {
        if (!isImage(value)) continue;
        for (let i = 0; i < value.batch; i++) {
          const name = `${nodeId}${port === 'image' ? '' : `-${port}`}${value.batch > 1 ? `-${i}` : ''}.png`;
          await writeFile(resolve(out, name), await encodePng(value, { [GRAPH_CHUNK_KEYWORD]: graphText }, i));
          log(`wrote ${resolve(out, name)}`);
        }
      }
    }
    if (flag(args, 'steps') !== 'false') {
      for (const node of doc.nodes.filter((n) => n.type === 'diffusion.denoise' && result.nodes[n.id]?.state === 'done')) {
        await writeSteps(engine, doc, node.id, out, graphText, log);
      }
    }
    log(`run ${result.status} in ${result.ms.toFixed(0)} ms`);
    return result.status === 'done' ? 0 : 1;
  } finally {
    await engine.close();
  }
}

/** Every recorded step of a Denoise, decoded through its graph's VAE: <id>-step-<k>.png. */
async function writeSteps(engine: NodeEngine, doc: GraphDoc, denoiseId: string, out: string, graphText: string, log: (l: string) => void) {
  const steps = (await engine.api.outputs(denoiseId))?.steps as StepsValue | undefined;
  if (!steps || !vaeFor(doc, denoiseId)) return;
  const decodes = withStepDecodes(doc, denoiseId, steps.indices.map((_, k) => k));
  const result = await engine.api.run(decodes.doc, { targets: decodes.outputs.map((o) => o.nodeId) });
  for (const { step, nodeId } of decodes.outputs) {
    const image = result.results[nodeId]?.image;
    if (!isImage(image)) continue;
    const file = resolve(out, `${denoiseId}-step-${String(steps.indices[step]).padStart(3, '0')}.png`);
    await writeFile(file, await encodePng(image, { [GRAPH_CHUNK_KEYWORD]: graphText }));
  }
  log(`wrote ${steps.indices.length} steps of ${denoiseId} to ${out}`);
}
