// Run all (N times), run to the selection, cancel (and force stop when a cancel is not honoured), the
// queue, and overall progress. Run while a run is going queues another run of the graph as it is then.
import { useEffect, useState } from 'react';
import { cancelRun, forceStop } from '../engine/session.ts';
import { requestRun } from '../engine/runner.ts';
import { useStore } from '../store/createStore.ts';
import { useQueue } from '../store/queue.ts';
import { runStore, useProgress } from '../store/run.ts';
import { useUi } from '../store/ui.ts';
import { QueuePanel } from './QueuePanel.tsx';

const FORCE_AFTER_MS = 2000;

export function RunControls() {
  const running = useStore(runStore, (s) => s.running);
  const summary = useStore(runStore, (s) => s.summary);
  const finished = useStore(runStore, (s) => s.finishedRuns);
  const selected = useUi((s) => s.selectedNodes);
  const queued = useQueue((q) => q.length);
  const progress = useProgress();
  const [times, setTimes] = useState(1);
  const [cancelAsked, setCancelAsked] = useState(false);
  const [stuck, setStuck] = useState(false);
  const [showQueue, setShowQueue] = useState(false);
  useEffect(() => { if (!running) { setCancelAsked(false); setStuck(false); } }, [running]);
  useEffect(() => {
    if (!cancelAsked) return;
    const t = setTimeout(() => setStuck(true), FORCE_AFTER_MS);
    return () => clearTimeout(t);
  }, [cancelAsked]);

  return (
    <div className="group run-controls">
      <button type="button" data-testid="run-all" onClick={() => requestRun(undefined, times)}
        title={running ? 'Queue another run of the graph as it is now (Ctrl+Enter)' : 'Run all (Ctrl+Enter)'}>{running ? '+ Queue' : '▶ Run'}</button>
      <label className="times" title="How many runs one press queues (seeds set to increment or randomize move on between them)">
        ×<input type="number" min={1} max={100} value={times} data-testid="run-times" aria-label="runs per press"
          onChange={(e) => setTimes(Math.max(1, Math.min(100, Math.floor(Number(e.target.value) || 1))))} />
      </label>
      <button type="button" data-testid="run-selected" disabled={selected.length === 0} onClick={() => requestRun(selected)} title="Run to the selected nodes (Shift+Enter)">Run to selected</button>
      {stuck
        ? <button type="button" data-testid="force-stop" onClick={() => void forceStop()} title="The run did not stop: restart the engine">■ Force stop</button>
        : <button type="button" data-testid="cancel-run" disabled={!running} onClick={() => { setCancelAsked(true); void cancelRun(); }} title="Cancel the run going now (Escape); queued runs stay">■ Cancel</button>}
      <span className="menu">
        <button type="button" data-testid="queue-button" aria-expanded={showQueue} onClick={() => setShowQueue(!showQueue)}
          title="Runs waiting their turn">Queue{queued > 0 ? ` ${queued}` : ''}</button>
        {showQueue && <QueuePanel close={() => setShowQueue(false)} />}
      </span>
      <progress data-testid="run-progress" value={progress} max={1} />
      <span className="muted" data-testid="run-summary" data-running={running} data-runs={finished} title={summary}>{summary}</span>
    </div>
  );
}
