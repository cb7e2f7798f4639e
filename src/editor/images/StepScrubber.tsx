// Scrub the steps a Denoise node recorded (outputs.steps = { previews: IMAGE[] }): a filmstrip and a slider
// over the cheap previews, and the chosen step's predicted clean image decoded through the graph's VAE.
import { useEffect, useRef, useState } from 'react';
import { isImage, type ImageValue } from '../../image/value.ts';
import { canDecodeSteps, decodeStep } from '../engine/steps.ts';
import { exportPng } from '../files/graphFile.ts';
import { getDoc } from '../store/graph.ts';
import { ImageCanvas } from './ImageCanvas.tsx';

/** The step previews inside a node's outputs, when it has any. */
export function stepPreviews(outputs: Record<string, unknown> | undefined): ImageValue[] | undefined {
  const steps = outputs?.steps as { previews?: unknown } | undefined;
  const list = steps && Array.isArray(steps.previews) ? steps.previews.filter(isImage) : [];
  return list.length > 0 ? list : undefined;
}

export function StepScrubber({ nodeId, previews }: { nodeId: string; previews: ImageValue[] }) {
  const [step, setStep] = useState(previews.length - 1);
  const at = Math.min(step, previews.length - 1);
  const decoded = useDecodedStep(nodeId, at);
  // The chosen step's frame stays in view as the slider moves.
  const strip = useRef<HTMLDivElement>(null);
  useEffect(() => { strip.current?.querySelector('.active')?.scrollIntoView({ block: 'nearest', inline: 'nearest' }); }, [at]);
  return (
    <div className="scrubber" data-testid="step-scrubber">
      <div className="scrubber-views">
        <figure>
          <ImageCanvas image={previews[at]} testId="scrubber-image" className="scrubber-main" />
          <figcaption data-testid="scrubber-image-label">step {at + 1}: its latent, as colours (a quick guess at the final image)</figcaption>
        </figure>
        {decoded.image && (
          <figure>
            <ImageCanvas image={decoded.image} testId="scrubber-decoded" className="scrubber-main" />
            <figcaption data-testid="scrubber-decoded-label">step {at + 1}: its predicted final image, decoded by the VAE</figcaption>
          </figure>
        )}
      </div>
      <div className="muted" data-testid="scrubber-decode-state">{decoded.state}</div>
      <label>
        step <span data-testid="scrubber-step">{at + 1}</span> / {previews.length}
        <input type="range" min={0} max={previews.length - 1} value={at} data-testid="scrubber-slider" onChange={(e) => setStep(Number(e.target.value))} />
      </label>
      {decoded.image && (
        <button type="button" data-testid="scrubber-save" onClick={() => void exportPng(decoded.image!, getDoc(), `${nodeId}-step-${at + 1}.png`, 0, nodeId)}>
          Save step {at + 1} as PNG
        </button>
      )}
      <div className="filmstrip" ref={strip}>
        {previews.map((p, i) => (
          <ImageCanvas key={i} image={p} className={i === at ? 'active' : ''} testId="scrubber-frame" onClick={() => setStep(i)} />
        ))}
      </div>
    </div>
  );
}

/** The decoded image of one step, fetched when the step changes; the engine's cache makes revisits instant. */
function useDecodedStep(nodeId: string, step: number): { image?: ImageValue; state: string } {
  const [result, setResult] = useState<{ key: string; image?: ImageValue; state: string }>({ key: '', state: '' });
  const key = `${nodeId}:${step}`;
  useEffect(() => {
    const doc = getDoc();
    if (!canDecodeSteps(doc, nodeId)) {
      setResult({ key, state: 'wire a VAE Decode after this Denoise to see each step decoded' });
      return;
    }
    let live = true;
    setResult((r) => ({ ...r, key, state: 'decoding…' }));
    decodeStep(doc, nodeId, step).then(
      (image) => live && setResult({ key, image, state: `step ${step + 1}: predicted clean image` }),
      (e: Error) => live && setResult({ key, state: e.message }),
    );
    return () => { live = false; };
  }, [nodeId, step, key]);
  return result.key === key ? result : { state: 'decoding…' };
}
