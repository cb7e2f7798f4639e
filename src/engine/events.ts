import type { Problem } from '../graph/types.ts';
import type { Preview, StepTraffic } from '../kernel/define.ts';

export type RunStatus = 'done' | 'failed' | 'cancelled' | 'invalid';

export type RunEvent =
  | { type: 'run-started'; runId: number; plan: string[] }
  | { type: 'node-started'; runId: number; nodeId: string }
  /** `traffic`: a sampling step's copies between CPU and GPU, and whether its latents stayed on the GPU. */
  | { type: 'node-progress'; runId: number; nodeId: string; step: number; total: number; preview?: Preview; traffic?: StepTraffic }
  | { type: 'node-finished'; runId: number; nodeId: string; ms: number; cached: boolean }
  /** `message` names the node and says what went wrong; `details` keeps onnxruntime's own text when it failed there. */
  | { type: 'node-failed'; runId: number; nodeId: string; message: string; details?: string }
  | { type: 'node-skipped'; runId: number; nodeId: string; because: string }
  | { type: 'node-cancelled'; runId: number; nodeId: string }
  | { type: 'run-finished'; runId: number; status: RunStatus; ms: number };

export type NodeOutcome =
  | { state: 'done'; ms: number; cached: boolean }
  | { state: 'failed'; message: string; details?: string }
  | { state: 'skipped'; because: string }
  | { state: 'cancelled' };

export interface RunResult {
  runId: number;
  status: RunStatus;
  /** Validation problems of the planned part of the graph (status "invalid"). */
  problems: Problem[];
  nodes: Record<string, NodeOutcome>;
  /** Outputs of the run's output nodes among its targets, by node id. */
  results: Record<string, Record<string, unknown>>;
  ms: number;
}
