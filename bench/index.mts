// npm run bench: every benchmark, each a ratio of things measured side by side in this one run.
import { benchDiffusion } from './diffusion.ts';
import { benchEditor } from './editor.ts';
import { benchEngineHeap } from './engineHeap.ts';
import { benchExecutor } from './executor.ts';
import { benchHash } from './hash.ts';
import { benchImg2img } from './img2img.ts';
import { benchPeer, benchPeerQuality } from './peer.ts';
import { benchPreview } from './preview.ts';
import { benchQueue } from './queue.ts';
import { benchUpscale } from './upscale.ts';
import { benchWasmBuilds } from './wasmBuilds.ts';
import { benchWebgpu } from './webgpu.ts';

const suites: [string, () => Promise<Record<string, number | string>>][] = [['executor', benchExecutor], ['engine-heap', benchEngineHeap], ['hash', benchHash], ['diffusion', benchDiffusion], ['preview', benchPreview], ['img2img', benchImg2img], ['upscale', benchUpscale], ['editor', benchEditor], ['wasm-builds', benchWasmBuilds], ['queue', benchQueue], ['peer', benchPeer], ['peer-quality', benchPeerQuality], ['webgpu', benchWebgpu]];

// Run only when named: they need models made by models/tools/ and take minutes, or Chromium.
const namedOnly = new Set(['peer', 'peer-quality', 'webgpu']);

const only = process.argv.slice(2);
for (const [name, run] of suites) {
  if (only.length > 0 ? !only.includes(name) : namedOnly.has(name)) continue;
  const results = await run();
  for (const [key, value] of Object.entries(results)) console.log(`${key.padEnd(40)} ${value}`);
}
