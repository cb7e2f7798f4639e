// Under a GAN Generator fed by a class-conditional model: what its subject draws, and names to pick.
import { setParam } from '../edit/ops.ts';
import { useEngine } from '../engine/session.ts';
import { endGesture, useDoc } from '../store/graph.ts';
import { subjectHelp } from './ganSubjects.ts';
import { ganFeeding } from './suggestedPsi.ts';

export function GanSubjects({ nodeId, subject }: { nodeId: string; subject: string }) {
  const models = useEngine((s) => s.models);
  const manifest = useDoc((d) => ganFeeding(d, nodeId, models));
  const classes = manifest?.gan?.classes;
  if (!classes) return null;
  const { line, offers } = subjectHelp(classes, subject);
  return (
    <div className="prompt-help" data-testid="gan-subjects">
      <span className="muted">{manifest!.title}: {line}</span>
      {offers.length > 0 && (
        <span className="prompt-offers" role="listbox" aria-label="emoji the model knows">
          {offers.map((s) => (
            <button key={s} type="button" role="option" aria-selected={false} className="nodrag chip" data-testid="gan-subject-offer"
              onClick={() => { setParam(nodeId, 'subject', s); endGesture(); }}>{s}</button>
          ))}
        </span>
      )}
    </div>
  );
}
