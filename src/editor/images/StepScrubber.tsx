// Scrub the steps a Denoise node recorded (outputs.steps = { previews: IMAGE[] }): a filmstrip and a slider
// over the steps, each shown by the preview the run decoded (preview_decoder) or else its latent as colours,
// and the chosen step's predicted final image decoded through the graph's VAE.
import { useEffect, useRef, useState } from 'react';
import { isImage, type ImageValue } from '../../image/value.ts';
import { canDecodeSteps, decodeStep } from '../engine/steps.ts';
import { exportPng } from '../files/graphFile.ts';
import { getDoc } from '../store/graph.ts';
import { useNodeFrames } from '../store/run.ts';
import { frameCaption } from './stepCaption.ts';
import { ImageCanvas } from './ImageCanvas.tsx';

/** The step previews inside a node's outputs, when it has any, with each one's step number (from 1). */
export function stepPreviews(outputs: Record<string, unknown> | undefined): { previews: ImageValue[]; numbers: number[] } | undefined {
  const steps = outputs?.steps as { previews?: unknown; indices?: unknown } | undefined;
  const list = steps && Array.isArray(steps.previews) ? steps.previews.filter(isImage) : [];
  if (list.length === 0) return undefined;
  // A run that keeps every k-th step records only those: number them by their place in the schedule.
  const indices = Array.isArray(steps?.indices) && steps.indices.length === list.length ? steps.indices as number[] : null;
  return { previews: list, numbers: list.map((_, i) => (indices ? indices[i] : i) + 1) };
}

export function StepScrubber({ nodeId, previews, numbers }: { nodeId: string; previews: ImageValue[]; numbers: number[] }) {
  const [step, setStep] = useState(previews.length - 1);
  const at = Math.min(step, previews.length - 1);
  const num = (i: number) => numbers[i] ?? i + 1;
  const decoded = useDecodedStep(nodeId, at, num(at));
  // The previews the run decoded, by step number (a node counts its steps from 1).
  const frames = useNodeFrames(nodeId);
  const live = new Map((frames ?? []).map((f) => [f.step, f]));
  const liveAt = live.get(num(at));
  // The chosen step's frame stays in view as the slider moves.
  const strip = useRef<HTMLDivElement>(null);
  useEffect(() => { scrollIntoStrip(strip.current, at); }, [at]);
  const shown = decoded.image ?? liveAt?.image;
  const shownCaption = frameCaption(decoded.image ? { step: num(at), shows: 'decoded' } : liveAt ?? { step: num(at), shows: 'latent' });
  return (
    <div className="scrubber" data-testid="step-scrubber">
      <div className="scrubber-views">
        <figure>
          <ImageCanvas image={previews[at]} testId="scrubber-image" className="scrubber-main" />
          <figcaption data-testid="scrubber-image-label">{frameCaption({ step: num(at), shows: 'latent' })}</figcaption>
        </figure>
        {shown && (
          <figure>
            <ImageCanvas image={shown} testId="scrubber-decoded" className="scrubber-main" />
            <figcaption data-testid="scrubber-decoded-label">{shownCaption}</figcaption>
          </figure>
        )}
      </div>
      <div className="muted" data-testid="scrubber-decode-state">{decoded.state}</div>
      <label>
        step <span data-testid="scrubber-step">{num(at)}</span> / {num(previews.length - 1)}
        <input type="range" min={0} max={previews.length - 1} value={at} data-testid="scrubber-slider" onChange={(e) => setStep(Number(e.target.value))} />
      </label>
      {decoded.image && (
        <button type="button" data-testid="scrubber-save" onClick={() => void exportPng(decoded.image!, getDoc(), `${nodeId}-step-${num(at)}.png`, 0, nodeId)}>
          Save step {num(at)} as PNG
        </button>
      )}
      {live.size > 0 && <div className="muted" data-testid="filmstrip-legend">frames: the predicted final image where the run decoded it ({live.values().next().value!.by}), else the latent as colours</div>}
      <div className="filmstrip" ref={strip} data-testid="filmstrip">
        {previews.map((p, i) => {
          const frame = live.get(num(i));
          return (
            <span key={i} className={i === at ? 'active' : ''} title={frameCaption(frame ?? { step: num(i), shows: 'latent' })} data-shows={frame ? 'decoded' : 'latent'}>
              <ImageCanvas image={frame?.image ?? p} testId="scrubber-frame" onClick={() => setStep(i)} />
            </span>
          );
        })}
      </div>
    </div>
  );
}

/** Scrolls the filmstrip itself (never the panels around it) so frame `index` is in view. */
function scrollIntoStrip(strip: HTMLElement | null, index: number): void {
  const frame = strip?.children[index] as HTMLElement | undefined;
  if (!strip || !frame) return;
  const left = frame.offsetLeft - strip.offsetLeft;
  if (left < strip.scrollLeft) strip.scrollLeft = left;
  else if (left + frame.offsetWidth > strip.scrollLeft + strip.clientWidth) strip.scrollLeft = left + frame.offsetWidth - strip.clientWidth;
}

/** The decoded image of one step, fetched when the step changes; the engine's cache makes revisits instant. */
function useDecodedStep(nodeId: string, step: number, number: number): { image?: ImageValue; state: string } {
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
      (image) => live && setResult({ key, image, state: `step ${number}: predicted clean image` }),
      (e: Error) => live && setResult({ key, state: e.message }),
    );
    return () => { live = false; };
  }, [nodeId, step, number, key]);
  return result.key === key ? result : { state: 'decoding…' };
}
