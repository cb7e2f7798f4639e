// A Denoise step's predicted clean image, decoded on demand through the graph's own VAE. It is a graph
// run like any other (Pick Step -> VAE Decode), so the engine caches it and everything upstream is a hit.
import { withStepDecodes, vaeFor } from '../catalog.ts';
import type { ImageValue } from '../../image/value.ts';
import type { GraphDoc } from '../../graph/types.ts';
import { runStore } from '../store/run.ts';
import { ready } from './session.ts';

export function canDecodeSteps(doc: GraphDoc, denoiseId: string): boolean {
  return vaeFor(doc, denoiseId) !== null;
}

export async function decodeStep(doc: GraphDoc, denoiseId: string, step: number): Promise<ImageValue> {
  // The engine runs one graph at a time and a new run replaces the current one: never interrupt the user's.
  if (runStore.get().running) throw new Error('wait for the run to finish');
  const engine = await ready();
  const { doc: withDecode, outputs } = withStepDecodes(doc, denoiseId, [step]);
  const target = outputs[0].nodeId;
  const result = await engine.api.run(withDecode, { targets: [target] });
  const image = result.results[target]?.image as ImageValue | undefined;
  if (!image) {
    const failed = Object.values(result.nodes).find((o) => o.state === 'failed');
    throw new Error(failed && 'message' in failed ? failed.message : `step ${step + 1} could not be decoded (${result.status})`);
  }
  return image;
}
