// The graph that decodes a Denoise node's recorded steps through the same VAE as its final image.
// The step scrubber and the CLI both use it; everything upstream stays cached, so only the decodes run.
import type { GraphDoc } from '../../src/graph/types.ts';

export interface StepDecodes { doc: GraphDoc; outputs: { step: number; nodeId: string }[] }

/** The VAE port feeding a VAE Decode of this Denoise's latent, if the graph has one. */
export function vaeFor(doc: GraphDoc, denoiseId: string): { node: string; port: string } | null {
  for (const e of doc.edges) {
    if (e.from.node !== denoiseId || e.to.port !== 'latent') continue;
    const decode = doc.nodes.find((n) => n.id === e.to.node && n.type === 'diffusion.vae_decode');
    const vae = decode && doc.edges.find((v) => v.to.node === decode.id && v.to.port === 'vae');
    if (vae) return vae.from;
  }
  return null;
}

export function withStepDecodes(doc: GraphDoc, denoiseId: string, steps: number[], which: 'denoised' | 'latent' = 'denoised'): StepDecodes {
  const vae = vaeFor(doc, denoiseId);
  if (!vae) throw new Error(`Denoise "${denoiseId}" has no VAE Decode after it, so its steps cannot be decoded`);
  const at = { x: 0, y: 0 };
  const nodes = [...doc.nodes];
  const edges = [...doc.edges];
  const outputs: StepDecodes['outputs'] = [];
  for (const step of steps) {
    const id = (part: string) => `${denoiseId}~${which}~${step}~${part}`;
    nodes.push(
      { id: id('pick'), type: 'diffusion.pick_step', version: 1, position: at, params: { step, which } },
      { id: id('decode'), type: 'diffusion.vae_decode', version: 1, position: at, params: {} },
      { id: id('out'), type: 'image.output', version: 1, position: at, params: {} },
    );
    edges.push(
      { id: id('e1'), from: { node: denoiseId, port: 'steps' }, to: { node: id('pick'), port: 'steps' } },
      { id: id('e2'), from: { node: id('pick'), port: 'latent' }, to: { node: id('decode'), port: 'latent' } },
      { id: id('e3'), from: vae, to: { node: id('decode'), port: 'vae' } },
      { id: id('e4'), from: { node: id('decode'), port: 'image' }, to: { node: id('out'), port: 'image' } },
    );
    outputs.push({ step, nodeId: id('out') });
  }
  return { doc: { ...doc, nodes, edges }, outputs };
}
