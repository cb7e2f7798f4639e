// Example graphs: graphs/*.json, bundled at build time. graphs/default.json opens on first start.
// The Examples menu lists the ready-made graphs below, each with a title and what it shows; the other
// files in graphs/ are test fixtures (on test models), listed only with the developer setting
// `?fixtures=1` in the address (or `localStorage['loom.fixtures'] = '1'`).
import type { GraphDoc } from '../../graph/index.ts';
import { showFixtures } from '../devSettings.ts';

const files = import.meta.glob<unknown>('../../../graphs/*.json', { eager: true, import: 'default' });

export interface Example { name: string; title: string; description: string; fixture: boolean; doc: unknown }

/** The examples a newcomer sees, in menu order. */
const LISTED: Record<string, { title: string; description: string }> = {
  default: { title: 'Text to image', description: 'A prompt becomes a 128×128 emoji through the bundled Stable Diffusion model, then is upscaled 4×.' },
  'hires-fix': { title: 'Hires fix', description: 'A 128 px render upscaled in latent space and refined at strength 0.5 into a 256 px image.' },
  img2img: { title: 'Image to image', description: 'A drawing of a red apple (Twemoji) encoded by the VAE and redrawn at strength 0.6 as "a green apple". Pick your own picture in Load Image.' },
  inpaint: { title: 'Inpainting', description: 'A red apple whose right half is repainted as a green apple; the rest stays as it was. Open Paint mask on the mask node to paint another area.' },
  'inpaint-photo': { title: 'Inpainting a picture', description: 'A loaded picture (VAE Encode) with a mask painted over the apple, repainted as "a green apple"; the rest is the picture itself.' },
  outpaint: { title: 'Outpainting', description: 'A render extended by 64 px to the right, the new strip painted to match.' },
  'prompt-editing': { title: 'Prompt editing', description: 'A weighted "(red:1.2) apple" for the first 30% of the steps, then "a green apple".' },
  gan: { title: 'GAN sheet and morph', description: '16 emoji from 16 seeds on one sheet, and a morph from one seed to another.' },
  upscale: { title: 'Upscaling', description: 'One GAN emoji made 4× larger by the bundled super-resolution model, next to plain bicubic.' },
};

export const EXAMPLES: Example[] = Object.entries(files)
  .map(([path, doc]) => {
    const name = path.split('/').pop()!.replace(/\.json$/, '');
    const listed = LISTED[name];
    return { name, doc, fixture: !listed, title: listed?.title ?? name, description: listed?.description ?? 'test fixture (test models)' };
  })
  .sort((a, b) => order(a) - order(b) || a.name.localeCompare(b.name));

function order(e: Example): number {
  const i = Object.keys(LISTED).indexOf(e.name);
  return i >= 0 ? i : 1000;
}


/** The examples the menu lists: the real ones, and the fixtures when the developer setting is on. */
export function menuExamples(): Example[] {
  return showFixtures() ? EXAMPLES : EXAMPLES.filter((e) => !e.fixture);
}

/** The graph a first start opens: default.json when it exists, else the first example. */
export function firstStartGraph(): unknown | undefined {
  return (EXAMPLES.find((e) => e.name === 'default') ?? EXAMPLES[0])?.doc as GraphDoc | undefined;
}

/** An example opens fitted to the window, not at the view it was saved with. */
export function withoutViewport(doc: unknown): unknown {
  if (!doc || typeof doc !== 'object') return doc;
  const { viewport: _, ...rest } = doc as Record<string, unknown>;
  return rest;
}
