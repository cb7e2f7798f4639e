// Every problem of a file that could not be opened, each naming its node.
import { patchUi, useUi } from '../store/ui.ts';

export function ProblemsDialog() {
  const problems = useUi((s) => s.problems);
  if (!problems) return null;
  return (
    <div className="overlay">
      <div className="dialog" role="alertdialog" aria-label={problems.title} data-testid="problems">
        <h2>{problems.title}</h2>
        <ul>
          {problems.list.map((p, i) => (
            <li key={i} data-testid="problem" data-node={p.node}>{p.node && <strong>{p.node}: </strong>}{p.message}</li>
          ))}
        </ul>
        <button type="button" data-testid="problems-close" onClick={() => patchUi({ problems: null })}>Close</button>
      </div>
    </div>
  );
}
