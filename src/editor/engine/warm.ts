// Warm-up while the page is idle: once the engine has started, the open graph's Text Encoders run ahead
// and the sessions of the models it names are made (and run once on zeros), so the first Run starts warm.
// `?warm=0` in the address (or localStorage 'loom.warm' = '0') turns it off; `?warm=sessions` makes the
// sessions without running them on zeros (for the editor bench).
import type { EngineApi } from '../../engine/service.ts';
import type { WarmOptions } from '../../engine/warm.ts';
import type { GraphDoc } from '../../graph/index.ts';
import { runStore } from '../store/run.ts';

/** 'off': turned off; 'waiting': for the page to be idle; 'done' or 'stopped' (a Run came first). */
export type WarmState = 'off' | 'waiting' | 'warming' | 'done' | 'stopped' | 'failed';

export function warmSetting(): WarmOptions | null {
  let asked: string | null = null;
  try {
    asked = new URLSearchParams(location.search).get('warm') ?? localStorage.getItem('loom.warm');
  } catch {
    // No storage (a sandboxed frame): the default.
  }
  if (asked === '0') return null;
  return { dummyRuns: asked !== 'sessions' };
}

const whenIdle = (work: () => void): void => {
  if (typeof requestIdleCallback === 'function') requestIdleCallback(work, { timeout: 1000 });
  else setTimeout(work, 0);
};

/** Warms `doc()` (read when the page is idle) on `api`; `report` hears each state. Skipped once a Run has begun. */
export function warmWhenIdle(api: Pick<EngineApi, 'warm'>, doc: () => GraphDoc, report: (state: WarmState) => void): void {
  const options = warmSetting();
  if (!options) { report('off'); return; }
  report('waiting');
  whenIdle(() => {
    const runs = runStore.get();
    if (runs.running || runs.runNumber > 0) { report('stopped'); return; }
    report('warming');
    api.warm(doc(), options).then((r) => {
      if (r.skipped.length > 0) console.info(`warm-up left cold: ${r.skipped.join('; ')}`);
      report(r.stopped ? 'stopped' : 'done');
    }, (e: Error) => {
      console.warn(`warm-up failed: ${e.message}`);
      report('failed');
    });
  });
}
