// npx tsx tools/example-pictures.mts: the README's picture of each example graph, made by running the
// graph through the executor (the bundled models) and laying the images it names side by side, each
// scaled up by a whole factor (nearest) to 256 px high (twice the bundled model's 128 px). Writes docs/images/example-<name>.png.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Executor } from '../src/engine/executor.ts';
import type { GraphDoc } from '../src/graph/types.ts';
import type { MaskValue } from '../src/image/mask.ts';
import { encodePng } from '../src/image/png.ts';
import { image, type ImageValue } from '../src/image/value.ts';
import { createNodeRuntime } from '../src/runtime/node.ts';
import { builtinRegistry } from '../nodes/registry.ts';

const root = fileURLToPath(new URL('..', import.meta.url));
/** example -> the [node, port] of each panel, left to right */
const PANELS: Record<string, [string, string][]> = {
  default: [['decode', 'image'], ['output', 'image']],
  'hires-fix': [['output_low', 'image'], ['output', 'image']],
  inpaint: [['decode_render', 'image'], ['hard_mask', 'mask'], ['output', 'image']],
  outpaint: [['decode_render', 'image'], ['output', 'image']],
  'prompt-editing': [['output', 'image']],
  img2img: [['image', 'image'], ['output', 'image']],
  'inpaint-photo': [['photo', 'image'], ['mask', 'mask'], ['output', 'image']],
};
const HEIGHT = 256;
const GAP = 6;

function rgb(v: ImageValue | MaskValue): ImageValue {
  if ('kind' in v && v.kind === 'mask') return image(v.width, v.height, 3, Float32Array.from({ length: v.width * v.height * 3 }, (_, i) => v.data[Math.floor(i / 3)]));
  return v as ImageValue;
}

function strip(panels: ImageValue[]): ImageValue {
  const scaled = panels.map((p) => ({ p, f: Math.max(1, Math.floor(HEIGHT / p.height)) }));
  const width = scaled.reduce((w, { p, f }) => w + p.width * f + GAP, GAP);
  const height = Math.max(...scaled.map(({ p, f }) => p.height * f)) + 2 * GAP;
  const out = image(width, height, 3);
  out.data.fill(1);
  let x0 = GAP;
  for (const { p, f } of scaled) {
    for (let y = 0; y < p.height * f; y++) for (let x = 0; x < p.width * f; x++) for (let c = 0; c < 3; c++) {
      out.data[((GAP + y) * width + x0 + x) * 3 + c] = p.data[(Math.floor(y / f) * p.width + Math.floor(x / f)) * p.channels + c];
    }
    x0 += p.width * f + GAP;
  }
  return out;
}

const executor = new Executor(builtinRegistry(), createNodeRuntime({ threads: 2 }));
for (const [name, panels] of Object.entries(PANELS)) {
  const doc = JSON.parse(readFileSync(`${root}graphs/${name}.json`, 'utf8')) as GraphDoc;
  const result = await executor.run(doc, { targets: [...new Set(panels.map(([id]) => id))] });
  if (result.status !== 'done') throw new Error(`${name}: ${JSON.stringify(result.problems)}`);
  const file = `${root}docs/images/example-${name}.png`;
  writeFileSync(file, await encodePng(strip(panels.map(([id, port]) => rgb(executor.outputs(id)![port] as ImageValue | MaskValue)))));
  console.log(`wrote ${file}`);
}
