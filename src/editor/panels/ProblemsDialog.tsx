// Every problem of a file that could not be opened, each naming its node.
import { patchUi, useUi } from '../store/ui.ts';
import { Modal } from './Modal.tsx';
import { getDoc } from '../store/graph.ts';
import { withNodeNames } from '../names.ts';

export function ProblemsDialog() {
  const problems = useUi((s) => s.problems);
  if (!problems) return null;
  return (
    <Modal role="alertdialog" label={problems.title} testId="problems" heading backdropCloses={false} onClose={() => patchUi({ problems: null })}>
        <ul>
          {problems.list.map((p, i) => (
            <li key={i} data-testid="problem" data-node={p.node}>{p.node && <strong>{p.node}: </strong>}{withNodeNames(p.message, getDoc())}</li>
          ))}
        </ul>
        <button type="button" data-testid="problems-close" onClick={() => patchUi({ problems: null })}>Close</button>
    </Modal>
  );
}
