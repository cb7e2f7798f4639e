// After a run that ran out of memory, the engine's worker is restarted: onnxruntime-web's WASM memory
// grows to what the failed run asked for and never shrinks, so the next run would start with it spent.
import type { RunResult } from '../../engine/events.ts';
import { classifyOrtMessage } from '../../runtime/ortErrors.ts';

/**
 * The node whose failure left the worker's memory spent (onnxruntime's out-of-memory, or an allocation the
 * worker's JavaScript could not make), or null. A run refused before it allocated (over the memory
 * budget) spent nothing and needs no restart.
 */
export function outOfMemoryFailure(result: Pick<RunResult, 'nodes'>): string | null {
  for (const [id, outcome] of Object.entries(result.nodes)) {
    if (outcome.state === 'failed' && spent(outcome.details ?? outcome.message)) return id;
  }
  return null;
}

/** Whether an error thrown by the engine itself (not a node) means its memory is spent. */
export function outOfMemoryError(error: unknown): boolean {
  return spent(error instanceof Error ? error.message : String(error));
}

/** Out of memory, or the WASM instance aborted (what running out of its heap often ends in): it is unusable after. */
function spent(text: string): boolean {
  return classifyOrtMessage(text)?.kind === 'out-of-memory' || /\bAborted\(/.test(text);
}
