// Run all, run to the selection, cancel (and force stop when a cancel is not honoured), and overall progress.
import { useEffect, useState } from 'react';
import { cancelRun, forceStop, runGraph } from '../engine/session.ts';
import { useStore } from '../store/createStore.ts';
import { runStore, useProgress } from '../store/run.ts';
import { useUi } from '../store/ui.ts';

const FORCE_AFTER_MS = 2000;

export function RunControls() {
  const running = useStore(runStore, (s) => s.running);
  const summary = useStore(runStore, (s) => s.summary);
  const finished = useStore(runStore, (s) => s.finishedRuns);
  const selected = useUi((s) => s.selectedNodes);
  const progress = useProgress();
  const [cancelAsked, setCancelAsked] = useState(false);
  const [stuck, setStuck] = useState(false);
  useEffect(() => { if (!running) { setCancelAsked(false); setStuck(false); } }, [running]);
  useEffect(() => {
    if (!cancelAsked) return;
    const t = setTimeout(() => setStuck(true), FORCE_AFTER_MS);
    return () => clearTimeout(t);
  }, [cancelAsked]);

  return (
    <div className="group run-controls">
      <button type="button" data-testid="run-all" disabled={running} onClick={() => void runGraph()} title="Run all (Ctrl+Enter)">▶ Run</button>
      <button type="button" data-testid="run-selected" disabled={running || selected.length === 0} onClick={() => void runGraph(selected)} title="Run to the selected nodes (Shift+Enter)">Run to selected</button>
      {stuck
        ? <button type="button" data-testid="force-stop" onClick={() => void forceStop()} title="The run did not stop: restart the engine">■ Force stop</button>
        : <button type="button" data-testid="cancel-run" disabled={!running} onClick={() => { setCancelAsked(true); void cancelRun(); }} title="Cancel (Escape)">■ Cancel</button>}
      <progress data-testid="run-progress" value={progress} max={1} />
      <span className="muted" data-testid="run-summary" data-running={running} data-runs={finished}>{summary}</span>
    </div>
  );
}
