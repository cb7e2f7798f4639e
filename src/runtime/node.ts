// The runtime for the CLI and tests: onnxruntime-node on the CPU, models from folders on disk.
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { FsModelStore } from './fsStore.ts';
import { asOrtModule, OrtRuntime } from './ort.ts';

export const PROJECT_MODEL_ROOTS = ['bundle', 'test'].map((d) => fileURLToPath(new URL(`../../models/${d}`, import.meta.url)));

const LEVELS = { verbose: 0, info: 1, warning: 2, error: 3, fatal: 4 } as const;
type OrtLogLevel = keyof typeof LEVELS;

/**
 * onnxruntime's own log lines on stderr, off unless LATENT_LOOM_ORT_LOG asks for them (verbose, info,
 * warning, error): its errors reach us as exceptions, which name the node, and its warnings (with
 * the C++ source paths of its build) mean nothing to someone running a graph. Returns the session
 * option that goes with it; the global level must be set before the first session is made.
 */
export function quietOrt(): { logSeverityLevel: 0 | 1 | 2 | 3 | 4 } {
  const asked = process.env.LATENT_LOOM_ORT_LOG as OrtLogLevel | undefined;
  const level: OrtLogLevel = asked && Object.hasOwn(LEVELS, asked) ? asked : 'fatal';
  ort.env.logLevel = level;
  return { logSeverityLevel: LEVELS[level] };
}

export function createNodeRuntime(options: { modelRoots?: string[]; threads?: number } = {}): OrtRuntime {
  const store = new FsModelStore([...(options.modelRoots ?? []), ...PROJECT_MODEL_ROOTS]);
  const threads = options.threads ?? Math.max(1, cpus().length);
  return new OrtRuntime(asOrtModule(ort), 'cpu', store, { intraOpNumThreads: threads, interOpNumThreads: 1, ...quietOrt() });
}
