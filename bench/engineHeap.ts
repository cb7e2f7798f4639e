// The Node engine's worker heap size (LATENT_LOOM_WORKER_HEAP_MB) against V8's default: each contender
// in its own process, as the size is fixed when the worker starts; alternating, in rounds.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { DEFAULT_WORKER_HEAP_MB } from '../src/engine/client.node.ts';
import { fmt, showMs, showSpread, spread } from './stats.ts';

const ROUNDS = 5;
const child = new URL('./engineHeap.child.mts', import.meta.url).pathname;

async function msPerRun(heapMb: number): Promise<number> {
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', child], { env: { ...process.env, LATENT_LOOM_WORKER_HEAP_MB: String(heapMb) } });
  return JSON.parse(stdout.trim().split('\n').at(-1)!).msPerRun;
}

export async function benchEngineHeap(): Promise<Record<string, number | string>> {
  const sized: number[] = [];
  const plain: number[] = [];
  for (let i = 0; i < ROUNDS; i++) {
    sized.push(await msPerRun(DEFAULT_WORKER_HEAP_MB));
    plain.push(await msPerRun(0));
  }
  return {
    'engine_heap.initial_mb': DEFAULT_WORKER_HEAP_MB,
    'engine_heap.run_ms': showMs(spread(sized)),
    'engine_heap.v8_default_run_ms': showMs(spread(plain)),
    'engine_heap.over_v8_default': showSpread(spread(sized.map((t, i) => t / plain[i]))),
    'engine_heap.rounds': fmt(ROUNDS, 0),
  };
}
