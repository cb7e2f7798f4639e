// The plain-text `parameters` chunk AUTOMATIC1111's web UI writes into its PNGs, so other tools (and
// image sites) read the prompt and settings of an image made here:
//
//   a red apple
//   Negative prompt: blurry
//   Steps: 25, Sampler: DDIM, CFG scale: 4, Seed: 0, Size: 128x128, Model: loom-emoji-sd
//
// Read off the graph: the Denoise upstream of the image, its prompts (through the Text Encoders), its
// Scheduler, the Noise's seed and the checkpoint. A graph with no Denoise upstream writes no chunk.
import type { GraphDoc, GraphNode } from '../../graph/index.ts';

export const PARAMETERS_KEYWORD = 'parameters';

/** A1111's names for the samplers. */
const SAMPLER_NAMES: Record<string, string> = {
  ddim: 'DDIM', euler: 'Euler', euler_ancestral: 'Euler a', 'dpm++_2m': 'DPM++ 2M', dpmpp_2m: 'DPM++ 2M', lcm: 'LCM', pndm: 'PLMS', model: 'model default',
};

function sourceOf(doc: GraphDoc, nodeId: string, port: string): GraphNode | undefined {
  const e = doc.edges.find((x) => x.to.node === nodeId && x.to.port === port);
  return e && doc.nodes.find((n) => n.id === e.from.node);
}

/** The nearest node of a type upstream of `from` (itself included), breadth first. */
function upstream(doc: GraphDoc, from: string, type: string): GraphNode | undefined {
  const seen = new Set<string>();
  const queue = [from];
  while (queue.length) {
    const id = queue.shift()!;
    if (seen.has(id)) continue;
    seen.add(id);
    const node = doc.nodes.find((n) => n.id === id);
    if (node?.type === type && !node.bypass) return node;
    for (const e of doc.edges) if (e.to.node === id) queue.push(e.from.node);
  }
  return undefined;
}

function promptText(doc: GraphDoc, denoise: GraphNode, port: string): string {
  const encoder = sourceOf(doc, denoise.id, port);
  const prompt = encoder && upstream(doc, encoder.id, 'core.prompt');
  return typeof prompt?.params.text === 'string' ? prompt.params.text : '';
}

export interface ImageSettings { prompt?: string; negative?: string; steps?: number; sampler?: string; cfg?: number; seed?: number; model?: string }

/** What made the image a node shows: prompt, seed, steps, sampler, cfg and model, as far as the graph says. */
export function imageSettings(doc: GraphDoc, nodeId: string): ImageSettings {
  const denoise = upstream(doc, nodeId, 'diffusion.denoise');
  const out: ImageSettings = {};
  if (denoise) {
    out.prompt = promptText(doc, denoise, 'positive');
    out.negative = promptText(doc, denoise, 'negative') || undefined;
    const scheduler = upstream(doc, sourceOf(doc, denoise.id, 'schedule')?.id ?? '', 'diffusion.scheduler');
    const noise = upstream(doc, sourceOf(doc, denoise.id, 'latent')?.id ?? '', 'diffusion.noise');
    const checkpoint = upstream(doc, sourceOf(doc, denoise.id, 'unet')?.id ?? '', 'diffusion.load_checkpoint');
    if (scheduler) { out.steps = Number(scheduler.params.steps); out.sampler = SAMPLER_NAMES[String(scheduler.params.sampler)] ?? String(scheduler.params.sampler); }
    out.cfg = Number(denoise.params.cfg);
    if (noise) out.seed = Number(noise.params.seed);
    if (checkpoint?.params.model) out.model = String(checkpoint.params.model);
    return out;
  }
  const gan = upstream(doc, nodeId, 'gan.generate');
  if (gan) {
    out.seed = Number(gan.params.seed);
    const loader = upstream(doc, gan.id, 'model.load_gan');
    if (loader?.params.model) out.model = String(loader.params.model);
  }
  return out;
}

/** The `parameters` text for an image `nodeId` made (or the graph's first Denoise), or undefined when none applies. */
export function a1111Parameters(doc: GraphDoc, size: { width: number; height: number }, nodeId?: string): string | undefined {
  const denoise = nodeId ? upstream(doc, nodeId, 'diffusion.denoise') : doc.nodes.find((n) => n.type === 'diffusion.denoise');
  if (!denoise) return undefined;
  const positive = promptText(doc, denoise, 'positive');
  const negative = promptText(doc, denoise, 'negative');
  const scheduler = upstream(doc, sourceOf(doc, denoise.id, 'schedule')?.id ?? '', 'diffusion.scheduler');
  const noise = upstream(doc, sourceOf(doc, denoise.id, 'latent')?.id ?? '', 'diffusion.noise');
  const checkpoint = upstream(doc, sourceOf(doc, denoise.id, 'unet')?.id ?? '', 'diffusion.load_checkpoint');
  const fields: [string, unknown][] = [
    ['Steps', scheduler?.params.steps],
    ['Sampler', scheduler ? SAMPLER_NAMES[String(scheduler.params.sampler)] ?? scheduler.params.sampler : undefined],
    ['CFG scale', denoise.params.cfg],
    ['Seed', noise?.params.seed],
    ['Size', `${size.width}x${size.height}`],
    ['Model', checkpoint?.params.model || undefined],
  ];
  const settings = fields.filter(([, v]) => v !== undefined && v !== '').map(([k, v]) => `${k}: ${String(v)}`).join(', ');
  return `${positive}\n${negative ? `Negative prompt: ${negative}\n` : ''}${settings}`;
}
