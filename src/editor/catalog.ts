// The node definitions the palette shows and the colours the canvas paints them with.
// The editor's one door to nodes/: everything else in the editor reads node types through here.
import { builtinRegistry } from '../../nodes/registry.ts';

export { vaeFor, withStepDecodes } from '../../nodes/diffusion/stepGraph.ts';

export const registry = builtinRegistry();

const TYPE_COLOURS: Record<string, string> = {
  TEXT: '#9ccc65', CONDITIONING: '#ffb74d', LATENT: '#f06292', SCHEDULE: '#4dd0e1', IMAGE: '#64b5f6', MASK: '#e0f2f1',
  STEPS: '#f48fb1', SEED: '#e0e0e0', INT: '#e0e0e0', FLOAT: '#bdbdbd', TENSOR: '#a1887f', MODEL: '#ba68c8',
  TEXT_ENCODER: '#ce93d8', UNET: '#9575cd', VAE: '#ef5350', UPSCALER: '#4db6ac', GAN: '#fff176',
};

const CATEGORY_COLOURS: Record<string, string> = {
  Text: '#558b2f', Notes: '#8d6e63', Models: '#6a1b9a', Diffusion: '#ad1457', Latent: '#c2185b', Mask: '#00897b', Image: '#1565c0', GAN: '#f9a825',
};

export const typeColour = (type: string): string => TYPE_COLOURS[type] ?? '#90a4ae';
export const categoryColour = (category: string): string => CATEGORY_COLOURS[category] ?? '#455a64';

/** Every value type some node declares, for the palette's port filter. */
export function allPortTypes(): string[] {
  const types = new Set<string>();
  for (const def of registry.all()) {
    for (const p of [...Object.values(def.inputs), ...Object.values(def.outputs)]) types.add(p.type);
  }
  return [...types].sort();
}
