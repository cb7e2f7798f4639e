// Under a prompt that feeds a bundled model: what that model knows, and completions while typing.
import { setParam } from '../edit/ops.ts';
import { endGesture, useDoc } from '../store/graph.ts';
import { complete, completions, subjectsForPrompt } from './subjects.ts';

export function PromptHelp({ nodeId, text }: { nodeId: string; text: string }) {
  const subjects = useDoc((d) => subjectsForPrompt(d, nodeId));
  if (!subjects) return null;
  const offers = completions(subjects, text, 8);
  const pick = (s: string) => { setParam(nodeId, 'text', complete(text, s)); endGesture(); };
  return (
    <div className="prompt-help" data-testid="prompt-help">
      <span className="muted" title={subjects.about}>
        {subjects.model} draws emoji: name one, e.g. {subjects.known.slice(0, 3).join(', ')} ({subjects.subjects.length} names it trained on; a style may follow, e.g. "pizza, 3d")
      </span>
      {offers.length > 0 && (
        <span className="prompt-offers" role="listbox" aria-label="subjects the model knows">
          {offers.map((s) => (
            <button key={s} type="button" role="option" aria-selected={false} className="nodrag chip" data-testid="prompt-offer" onClick={() => pick(s)}>{s}</button>
          ))}
        </span>
      )}
    </div>
  );
}
