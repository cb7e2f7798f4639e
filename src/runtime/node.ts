// The runtime for the CLI and tests: onnxruntime-node on the CPU, models from folders on disk.
import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { FsModelStore } from './fsStore.ts';
import { parseBytes } from './memory.ts';
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

export function createNodeRuntime(options: { modelRoots?: string[]; threads?: number; memoryBudget?: number } = {}): OrtRuntime {
  const store = new FsModelStore([...(options.modelRoots ?? []), ...PROJECT_MODEL_ROOTS]);
  const threads = options.threads ?? Math.max(1, cpus().length);
  const runtime = new OrtRuntime(asOrtModule(ort), 'cpu', store, { intraOpNumThreads: threads, interOpNumThreads: 1, ...quietOrt() });
  runtime.memoryBudget = options.memoryBudget ?? nodeMemoryBudget();
  return runtime;
}

/**
 * What one run may ask for in this process: LATENT_LOOM_MEMORY_BUDGET when set (bytes, or "8GB", "512MiB"),
 * else three quarters of the machine's memory, of the container's limit (cgroup) and of the address space
 * still free under `ulimit -v` or `ulimit -d`, whichever is least.
 */
export function nodeMemoryBudget(env: NodeJS.ProcessEnv = process.env): number {
  const asked = env.LATENT_LOOM_MEMORY_BUDGET;
  if (asked !== undefined && asked !== '') {
    const bytes = parseBytes(asked);
    if (bytes === null) throw new Error(`LATENT_LOOM_MEMORY_BUDGET=${JSON.stringify(asked.slice(0, 40))} is not a size (write e.g. 8GB or 512MiB)`);
    return bytes;
  }
  const limits = [totalmem()];
  const constrained = process.constrainedMemory?.() ?? 0;
  if (constrained > 0 && constrained < Number.MAX_SAFE_INTEGER) limits.push(constrained);
  const space = addressSpaceLeft();
  if (space !== null) limits.push(space);
  return Math.floor(0.75 * Math.min(...limits));
}

/**
 * Bytes still allowed under the process's limits (`ulimit -v` / `prlimit --as` on the address space,
 * `ulimit -d` / `prlimit --data` on private memory), or null when unlimited or unknown.
 */
function addressSpaceLeft(): number | null {
  try {
    const limits = readFileSync('/proc/self/limits', 'utf8');
    const status = readFileSync('/proc/self/status', 'utf8');
    const left = [['Max address space', 'VmSize'], ['Max data size', 'VmData']].flatMap(([limit, used]) => {
      const max = new RegExp(`^${limit}\\s+(\\d+)`, 'm').exec(limits);
      if (!max) return [];
      const now = new RegExp(`^${used}:\\s+(\\d+) kB`, 'm').exec(status);
      return [Math.max(0, Number(max[1]) - (now ? Number(now[1]) * 1024 : 0))];
    });
    return left.length > 0 ? Math.min(...left) : null;
  } catch {
    return null; // not Linux
  }
}
