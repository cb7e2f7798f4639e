// Latent Upscale, Crop, Composite and Blend through the real executor, and the hires-fix example graph.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { torchRandn } from '../../src/diffusion/torchRandom.ts';
import { interpolate } from '../../src/diffusion/interpolate.ts';
import type { GraphDoc } from '../../src/graph/types.ts';
import type { ImageValue } from '../../src/image/value.ts';
import type { LatentValue } from '../../src/kernel/values.ts';
import { createNodeRuntime } from '../../src/runtime/node.ts';
import type { Executor } from '../../src/engine/executor.ts';
import { executor, failure, graph } from '../../test/runGraph.ts';

const noise = (id: string, seed: number, width: number, height: number) => ({ id, type: 'diffusion.noise', params: { seed, width, height } });
const latentOut = (ex: Executor, id: string) => ex.outputs(id)!.latent as LatentValue;
const data = (l: LatentValue) => Array.from(l.tensor.data as Float32Array);

describe('latent nodes', () => {
  it('Latent Upscale: by a factor or to a size, as torch interpolate; the result has no schedule progress', async () => {
    const ex = executor();
    const r = await ex.run(graph([noise('n', 1, 64, 48), { id: 'up', type: 'latent.upscale', params: { method: 'bilinear', factor: 1.5 } },
      { id: 'to', type: 'latent.upscale', params: { method: 'nearest-exact', mode: 'size', width: 128, height: 40 } }],
    [['n', 'latent', 'up', 'latent'], ['n', 'latent', 'to', 'latent']]), { targets: ['up', 'to'] });
    expect(r.status).toBe('done');
    const src = torchRandn(1, [1, 4, 6, 8]);
    expect(latentOut(ex, 'up').tensor.dims).toEqual([1, 4, 9, 12]);
    expect(data(latentOut(ex, 'up'))).toEqual(Array.from(interpolate(src, [1, 4, 6, 8], 9, 12, 'bilinear')));
    expect(latentOut(ex, 'to').tensor.dims).toEqual([1, 4, 5, 16]);
    expect(latentOut(ex, 'up').generator).toBeUndefined();
    const odd = await ex.run(graph([noise('n', 1, 64, 48), { id: 'to', type: 'latent.upscale', params: { mode: 'size', width: 100, height: 40 } }],
      [['n', 'latent', 'to', 'latent']]));
    expect(failure(odd, 'to')).toMatch(/width 100 is not a multiple of 8 pixels/);
  });

  it('Crop then Composite at the same place gives the latent back; a mask picks where the source shows', async () => {
    const ex = executor();
    const doc = graph([
      noise('a', 1, 64, 64), noise('b', 2, 64, 64),
      { id: 'crop', type: 'latent.crop', params: { x: 16, y: 8, width: 24, height: 32 } },
      { id: 'back', type: 'latent.composite', params: { x: 16, y: 8 } },
      { id: 'masked', type: 'latent.composite', params: { x: 0, y: 0 } },
      { id: 'grad', type: 'image.gradient', params: { width: 8, height: 8 } },
      { id: 'mask', type: 'mask.from_image', params: { channel: 'red' } },
      { id: 'blend', type: 'latent.blend', params: { factor: 0.25 } },
    ], [['a', 'latent', 'crop', 'latent'], ['b', 'latent', 'back', 'destination'], ['crop', 'latent', 'back', 'source'],
      ['a', 'latent', 'masked', 'destination'], ['b', 'latent', 'masked', 'source'], ['grad', 'image', 'mask', 'image'], ['mask', 'mask', 'masked', 'mask'],
      ['a', 'latent', 'blend', 'a'], ['b', 'latent', 'blend', 'b']]);
    const r = await ex.run(doc, { targets: ['crop', 'back', 'masked', 'blend'] });
    expect(r.status).toBe('done');
    const [a, b] = [torchRandn(1, [1, 4, 8, 8]), torchRandn(2, [1, 4, 8, 8])];
    expect(latentOut(ex, 'crop').tensor.dims).toEqual([1, 4, 4, 3]);
    const back = data(latentOut(ex, 'back'));
    for (let c = 0; c < 4; c++) {
      for (let y = 0; y < 8; y++) {
        for (let x = 0; x < 8; x++) {
          const i = (c * 8 + y) * 8 + x;
          // Inside the rectangle: a's cells; outside: b's (the destination).
          expect(back[i]).toBe(x >= 2 && x < 5 && y >= 1 && y < 5 ? a[i] : b[i]);
        }
      }
    }
    // The mask is the gradient's red: 0 at the left edge (destination a), 1 at the right (source b).
    const masked = data(latentOut(ex, 'masked'));
    expect(masked[0]).toBeCloseTo(a[0], 6);
    expect(masked[7]).toBeCloseTo(b[7], 6);
    expect(data(latentOut(ex, 'blend'))[5]).toBeCloseTo(0.25 * a[5] + 0.75 * b[5], 6);
  });
});

describe('hires fix (graphs/hires-fix.json, bundled model)', () => {
  it('renders at the noise\'s size, upscales the latents x2 and denoises them at strength 0.5: 20 + 10 UNet runs, an image twice as wide', async () => {
    const doc = JSON.parse(readFileSync(new URL('../../graphs/hires-fix.json', import.meta.url), 'utf8')) as GraphDoc;
    const size = doc.nodes.find((n) => n.id === 'noise')!.params.width as number;
    const runtime = createNodeRuntime({ threads: 2 });
    const sizes: string[] = [];
    const run = runtime.run.bind(runtime);
    runtime.run = (info, feeds, signal) => {
      if (feeds.encoder_hidden_states) sizes.push(feeds.sample.dims.slice(2).join('x'));
      return run(info, feeds, signal);
    };
    const ex = executor(runtime);
    const r = await ex.run(doc);
    expect(r.status).toBe('done');
    expect(sizes.filter((s) => s === `${size / 8}x${size / 8}`)).toHaveLength(20);
    expect(sizes.filter((s) => s === `${size / 4}x${size / 4}`)).toHaveLength(10);
    const low = r.results.output_low.image as ImageValue;
    const high = r.results.output.image as ImageValue;
    expect([low.width, high.width, high.height]).toEqual([size, 2 * size, 2 * size]);
    // Still the same picture: averaged down 2x, it is nearer the first render than a render at twice the size
    // from noise (strength 1) is.
    const fromScratch = structuredClone(doc);
    fromScratch.nodes.find((n) => n.id === 'denoise_hires')!.params.strength = 1;
    fromScratch.edges = fromScratch.edges.filter((e) => e.to.port !== 'init');
    const scratch = (await ex.run(fromScratch)).results.output.image as ImageValue;
    expect(distanceDown(high, low)).toBeLessThan(0.8 * distanceDown(scratch, low));
  });
});

/** RMS distance between an image averaged down 2x and a square one half its size. */
function distanceDown(high: ImageValue, low: ImageValue): number {
    const n = low.width;
    expect([high.width, high.height, low.height]).toEqual([2 * n, 2 * n, n]);
    let sum = 0;
    for (let y = 0; y < n; y++) {
      for (let x = 0; x < n; x++) {
        for (let c = 0; c < 3; c++) {
          let avg = 0;
          for (const [dy, dx] of [[0, 0], [0, 1], [1, 0], [1, 1]]) avg += high.data[((2 * y + dy) * 2 * n + 2 * x + dx) * 3 + c] / 4;
          sum += (avg - low.data[(y * n + x) * 3 + c]) ** 2;
        }
      }
    }
    return Math.sqrt(sum / (n * n * 3));
}
