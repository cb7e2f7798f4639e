// Opening a model file for inspection (models add) in a child process with a memory limit and a time
// limit: a tiny ONNX file can make onnxruntime allocate gigabytes when its session is made or when it
// is probed, and onnxruntime's native memory is not capped by anything inside our own process
// (worker_threads' resourceLimits cap only V8's heap). The child runs under `ulimit -d` (private
// memory: what onnxruntime and our arrays take, not the address space V8 and WebAssembly reserve).
import { spawn, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { roughBytes } from '../runtime/format.ts';
import { classifyOrtMessage } from '../runtime/ortErrors.ts';
import type { IoSpec } from '../runtime/runtime.ts';
import type { Tensor } from '../runtime/tensor.ts';
import type { OpenedModel } from './importModel.ts';

export interface ProbeLimits {
  /** Private memory the child may take, in bytes. */
  memoryBytes: number;
  /** How long opening the model, and then each probe run, may take. */
  timeoutMs: number;
}

/**
 * Limits for a model of `modelBytes` (with its external data): sessions hold the weights a few times over
 * while they are made, and the process itself needs some room; large models take longer to open.
 */
export function probeLimits(modelBytes: number): ProbeLimits {
  return { memoryBytes: Math.max(1024 ** 3, 4 * modelBytes) + 512 * 1024 ** 2, timeoutMs: 30_000 + modelBytes / 1e5 };
}

const CHILD = fileURLToPath(new URL('./probeChild.mjs', import.meta.url));

type Reply = { ok: unknown } | { error: string };

export async function openOnnxBounded(path: string, label: string, limits: ProbeLimits): Promise<OpenedModel> {
  const kib = Math.ceil(limits.memoryBytes / 1024);
  // sh sets the limit and becomes node: the IPC channel (fd 3) passes through exec.
  const child = spawn('/bin/sh', ['-c', 'ulimit -d "$1" && shift && exec "$@"', 'sh', String(kib), process.execPath, CHILD], {
    stdio: ['ignore', 'ignore', 'pipe', 'ipc'], serialization: 'advanced',
  });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => { if (stderr.length < 4000) stderr += d.toString(); });
  const ask = (request: unknown, what: string) => call(child, request, what, label, limits, () => stderr);
  try {
    const io = await ask({ open: { path, label } }, 'opening it') as { inputs: IoSpec[]; outputs: IoSpec[] };
    let closed = false;
    return {
      inputs: io.inputs,
      outputs: io.outputs,
      run: async (feeds) => await ask({ run: feeds }, 'running it on a small input') as Record<string, Tensor>,
      close: async () => {
        if (closed) return;
        closed = true;
        if (child.connected) child.send({ close: true });
        setTimeout(() => child.kill('SIGKILL'), 2000).unref();
      },
    };
  } catch (e) {
    child.kill('SIGKILL');
    throw e;
  }
}

function call(child: ChildProcess, request: unknown, what: string, label: string, limits: ProbeLimits, stderr: () => string): Promise<unknown> {
  const memory = roughBytes(limits.memoryBytes);
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    };
    const onMessage = (reply: Reply) => {
      done();
      if ('ok' in reply) { resolve(reply.ok); return; }
      const ort = classifyOrtMessage(reply.error);
      reject(new Error(ort?.kind === 'out-of-memory'
        ? `${label}: refused: ${what} needed more than the ${memory} of memory a model of this size may take to inspect`
        : reply.error));
    };
    const onExit = (code: number | null, signal: string | null) => {
      done();
      const why = classifyOrtMessage(stderr())?.kind === 'out-of-memory' || /out of memory|heap limit|bad_alloc/i.test(stderr())
        ? `needed more than the ${memory} of memory a model of this size may take to inspect`
        : `stopped the process inspecting it (${signal ?? `exit code ${code}`}); it may need more than the ${memory} of memory a model of this size may take`;
      reject(new Error(`${label}: refused: ${what} ${why}`));
    };
    const timer = setTimeout(() => {
      done();
      child.kill('SIGKILL');
      reject(new Error(`${label}: refused: ${what} took longer than ${limits.timeoutMs < 1000 ? `${limits.timeoutMs} ms` : `${Math.round(limits.timeoutMs / 1000)} s`}, the time a model of this size may take to inspect`));
    }, limits.timeoutMs);
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send(request as object);
  });
}
