// The runtime for the CLI and tests: onnxruntime-node on the CPU, models from folders on disk.
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { FsModelStore } from './fsStore.ts';
import { asOrtModule, OrtRuntime } from './ort.ts';

export const PROJECT_MODEL_ROOTS = ['bundle', 'test'].map((d) => fileURLToPath(new URL(`../../models/${d}`, import.meta.url)));

export function createNodeRuntime(options: { modelRoots?: string[]; threads?: number } = {}): OrtRuntime {
  const store = new FsModelStore([...(options.modelRoots ?? []), ...PROJECT_MODEL_ROOTS]);
  const threads = options.threads ?? Math.max(1, cpus().length);
  return new OrtRuntime(asOrtModule(ort), 'cpu', store, { intraOpNumThreads: threads, interOpNumThreads: 1 });
}
