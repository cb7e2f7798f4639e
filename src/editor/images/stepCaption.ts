// What a step's picture is, in the words the node and the step scrubber both use.
import type { StepFrame } from '../store/run.ts';

export function frameCaption(frame: Pick<StepFrame, 'step' | 'shows' | 'by'>): string {
  return frame.shows === 'decoded'
    ? `step ${frame.step} predicted final image, decoded by ${frame.by ?? 'the VAE'}`
    : `step ${frame.step} latent, as colours (a quick guess at the final image)`;
}
