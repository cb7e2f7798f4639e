// Under a GAN Generator's params: the truncation ψ its model suggests, one click to take it.
import { setParam } from '../edit/ops.ts';
import { useEngine } from '../engine/session.ts';
import { endGesture, useDoc } from '../store/graph.ts';
import { psiSuggester } from './suggestedPsi.ts';

export function PsiHint({ nodeId }: { nodeId: string }) {
  const models = useEngine((s) => s.models);
  const manifest = useDoc((d) => psiSuggester(d, nodeId, models));
  const psi = manifest?.gan?.psi;
  if (psi === undefined) return null;
  return (
    <div className="prompt-help" data-testid="psi-hint">
      <span className="muted">{manifest!.title} suggests truncation ψ {psi}</span>
      <button type="button" className="nodrag chip" data-testid="psi-use" onClick={() => { setParam(nodeId, 'truncation', psi); endGesture(); }}>use {psi}</button>
    </div>
  );
}
