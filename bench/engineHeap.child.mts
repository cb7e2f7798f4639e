// One process of the engine-heap bench: the executor bench's graph through a Node engine (worker thread),
// the second branch changed every run so the cache keeps filling. Prints ms a run as the last line.
import { startNodeEngine } from '../src/engine/client.node.ts';
import { graph } from './executor.ts';

const RUNS = 60;
const engine = startNodeEngine({ threads: 2 });
await engine.api.run(graph(0.25), {});
const t0 = performance.now();
for (let i = 0; i < RUNS; i++) {
  const result = await engine.api.run(graph(0.3 + i * 0.001), {});
  if (result.status !== 'done') throw new Error(`run ${result.status}`);
}
console.log(JSON.stringify({ msPerRun: (performance.now() - t0) / RUNS }));
await engine.close();
