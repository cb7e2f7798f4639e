// Scrub the per-step previews a node recorded (outputs.steps = { previews: IMAGE[] }): a filmstrip and a slider.
import { useState } from 'react';
import type { ImageValue } from '../../../nodes/values.ts';
import { isImage } from '../store/run.ts';
import { ImageCanvas } from './ImageCanvas.tsx';

/** The step previews inside a node's outputs, when it has any. */
export function stepPreviews(outputs: Record<string, unknown> | undefined): ImageValue[] | undefined {
  const steps = outputs?.steps as { previews?: unknown } | undefined;
  const list = steps && Array.isArray(steps.previews) ? steps.previews.filter(isImage) : [];
  return list.length > 0 ? list : undefined;
}

export function StepScrubber({ previews }: { previews: ImageValue[] }) {
  const [step, setStep] = useState(previews.length - 1);
  const at = Math.min(step, previews.length - 1);
  return (
    <div className="scrubber" data-testid="step-scrubber">
      <ImageCanvas image={previews[at]} testId="scrubber-image" className="scrubber-main" />
      <label>
        step <span data-testid="scrubber-step">{at + 1}</span> / {previews.length}
        <input type="range" min={0} max={previews.length - 1} value={at} data-testid="scrubber-slider" onChange={(e) => setStep(Number(e.target.value))} />
      </label>
      <div className="filmstrip">
        {previews.map((p, i) => (
          <ImageCanvas key={i} image={p} className={i === at ? 'active' : ''} testId="scrubber-frame" onClick={() => setStep(i)} />
        ))}
      </div>
    </div>
  );
}
