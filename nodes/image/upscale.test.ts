import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createNodeRuntime, PROJECT_MODEL_ROOTS } from '../../src/runtime/node.ts';
import { resizeImage } from '../../src/image/resize.ts';
import type { Runtime } from '../../src/runtime/runtime.ts';
import type { ImageValue } from '../../src/image/value.ts';
import upscaleNode, { autoTile } from './upscale.ts';
import { upscalerRunBytes, weightBytes } from '../../src/models/memory.ts';
import { executor, failure, graph, maxDiff, noiseImage, outputImage, run, runtime, testImages } from '../../test/runGraph.ts';

const UPSCALER = 'test-tiny-upscaler';

/** load_upscaler -> upscale(test image) -> preview. */
function upscaleDoc(name: string, params: Record<string, unknown> = {}) {
  return graph(
    [
      { id: 'src', type: 'test.image', params: { name } },
      { id: 'model', type: 'model.load_upscaler', params: { model: UPSCALER } },
      { id: 'up', type: 'image.upscale', params },
      { id: 'out', type: 'image.output' },
    ],
    [['src', 'image', 'up', 'image'], ['model', 'upscaler', 'up', 'upscaler'], ['up', 'image', 'out', 'image']],
  );
}

async function upscale(img: ImageValue, params: Record<string, unknown>, rt: Runtime = runtime) {
  const name = `img${Math.random()}`;
  testImages.set(name, img);
  const progress: number[] = [];
  const result = await run(executor(rt), upscaleDoc(name, params), { onEvent: (e) => e.type === 'node-progress' && e.nodeId === 'up' && progress.push(e.step) });
  return { result, progress, image: () => outputImage(result, 'out') };
}

/** A runtime that counts runs and fails any whose input is larger than `maxSide`. */
function limitedRuntime(maxSide: number) {
  const stats = { runs: 0, failures: 0 };
  const rt: Runtime = {
    backend: runtime.backend, store: runtime.store, memory: new Map(),
    load: (b, l) => runtime.load(b, l), open: (m, r) => runtime.open(m, r),
    run(info, feeds, signal) {
      stats.runs++;
      const dims = Object.values(feeds)[0].dims;
      if (Math.max(dims[2], dims[3]) > maxSide) {
        stats.failures++;
        return Promise.reject(new Error('Failed to allocate memory for requested buffer'));
      }
      return runtime.run(info, feeds, signal);
    },
  };
  return { rt, stats };
}

const WHOLE = { tile: 4096 };

describe('image.upscale', () => {
  it('tiled output equals one untiled run within 1/255 on every pixel', async () => {
    const img = noiseImage(90, 70, 3, 7);
    const whole = await upscale(img, WHOLE);
    const tiled = await upscale(img, { tile: 32, overlap: 16 });
    expect(whole.image()).toMatchObject({ width: 180, height: 140, channels: 3 });
    expect(whole.progress).toEqual([1]);
    expect(tiled.progress.length).toBeGreaterThan(9);
    expect(maxDiff(tiled.image(), whole.image())).toBeLessThanOrEqual(1 / 255);
  });

  it('handles odd sizes: 1x1, 7x513 and non-square', async () => {
    const one = await upscale(noiseImage(1, 1, 3, 2), {});
    expect(one.image()).toMatchObject({ width: 2, height: 2 });
    for (const [w, h] of [[7, 513], [45, 33]]) {
      const img = noiseImage(w, h, 3, w);
      const tiled = await upscale(img, { tile: 64, overlap: 16 });
      const whole = await upscale(img, WHOLE);
      expect(tiled.image()).toMatchObject({ width: 2 * w, height: 2 * h });
      expect(maxDiff(tiled.image(), whole.image())).toBeLessThanOrEqual(1 / 255);
    }
  });

  it('upscales each image of a batch', async () => {
    const pair = noiseImage(12, 9, 3, 8, 2);
    const second = { ...pair, batch: 1, data: pair.data.slice(12 * 9 * 3) };
    const out = (await upscale(pair, { tile: 32 })).image();
    const alone = (await upscale(second, { tile: 32 })).image();
    expect(out.batch).toBe(2);
    expect(out.data.subarray(24 * 18 * 3)).toEqual(alone.data);
  });

  it('keeps alpha, upscaled with bicubic beside the model-upscaled colour', async () => {
    const rgba = noiseImage(20, 12, 4, 3);
    const rgb = noiseImage(20, 12, 3);
    const alpha = noiseImage(20, 12, 1);
    for (let p = 0; p < 240; p++) {
      for (let c = 0; c < 3; c++) rgb.data[p * 3 + c] = rgba.data[p * 4 + c];
      alpha.data[p] = rgba.data[p * 4 + 3];
    }
    const out = (await upscale(rgba, WHOLE)).image();
    const colour = (await upscale(rgb, WHOLE)).image();
    const expectedAlpha = resizeImage(alpha, 40, 24, 'bicubic');
    expect(out.channels).toBe(4);
    for (let p = 0; p < 40 * 24; p++) {
      for (let c = 0; c < 3; c++) expect(out.data[p * 4 + c]).toBeCloseTo(colour.data[p * 3 + c], 6);
      expect(out.data[p * 4 + 3]).toBeCloseTo(expectedAlpha.data[p], 6);
    }
  });

  it('runs grey images as RGB and returns grey', async () => {
    const grey = noiseImage(16, 10, 1, 5);
    const rgb = noiseImage(16, 10, 3);
    for (let p = 0; p < 160; p++) rgb.data.fill(grey.data[p], p * 3, p * 3 + 3);
    const out = (await upscale(grey, WHOLE)).image();
    const colour = (await upscale(rgb, WHOLE)).image();
    expect(out.channels).toBe(1);
    for (let p = 0; p < 32 * 20; p++) {
      expect(out.data[p]).toBeCloseTo((colour.data[p * 3] + colour.data[p * 3 + 1] + colour.data[p * 3 + 2]) / 3, 6);
    }
  });

  it('refuses an output over the size limit before running the model', async () => {
    const { rt, stats } = limitedRuntime(1e9);
    const { result } = await upscale(noiseImage(9000, 2, 1), {}, rt);
    expect(failure(result, 'up')).toMatch(/^Upscale \("up"\): upscaled image: 18000x4 is too large: each side must be at most 16384/);
    expect(stats.runs).toBe(0);
  });

  it('shrinks the tile and retries when a run fails, with the same result', async () => {
    const img = noiseImage(100, 90, 3, 11);
    const { rt, stats } = limitedRuntime(40);
    const shrunk = await upscale(img, { tile: 128, overlap: 16 }, rt);
    const whole = await upscale(img, WHOLE);
    expect(stats.failures).toBeGreaterThanOrEqual(2); // 128 and 64 failed, 32 ran
    expect(maxDiff(shrunk.image(), whole.image())).toBeLessThanOrEqual(1 / 255);
    expect(shrunk.progress.at(-1)).toBe(stats.runs - stats.failures);
  });

  it('reports the error when even the smallest tile fails', async () => {
    const { rt } = limitedRuntime(8);
    const { result } = await upscale(noiseImage(50, 50, 3), { tile: 64 }, rt);
    expect(failure(result, 'up')).toMatch(/ran out of memory/);
    expect(result.nodes.up).toMatchObject({ details: expect.stringMatching(/Failed to allocate memory/) });
  });

  it('does not retry when the model gives the wrong scale', async () => {
    const { rt, stats } = limitedRuntime(1e9);
    const manifest = await runtime.store.get(UPSCALER);
    const ctx = { nodeId: 'x', runtime: rt, signal: new AbortController().signal, progress: () => {} } as never;
    const wrong = { kind: 'model' as const, id: UPSCALER, manifest: { ...manifest, upscaler: { scale: 3 } } };
    await expect(upscaleNode.run({ inputs: { image: noiseImage(40, 40, 3), upscaler: wrong }, params: { tile: 64, overlap: 16, alpha: 'bicubic' }, ctx })).rejects.toThrow(/a \[1, 3, 40, 40\] tile gave \[1, 3, 80, 80\], expected \[1, 3, 120, 120\] \(scale 3\)/);
    expect(stats.runs).toBe(1);
  });

  it('stops between tiles when cancelled', async () => {
    const { rt, stats } = limitedRuntime(1e9);
    testImages.set('cancel', noiseImage(128, 128, 3));
    const controller = new AbortController();
    const result = await run(executor(rt), upscaleDoc('cancel', { tile: 32, overlap: 8 }), {
      signal: controller.signal,
      onEvent: (e) => { if (e.type === 'node-progress' && e.step === 2) controller.abort(); },
    });
    expect(result.status).toBe('cancelled');
    expect(result.nodes.up).toEqual({ state: 'cancelled' });
    expect(stats.runs).toBeLessThanOrEqual(3);
  });
});

describe('automatic tile size', () => {
  const perPixel = (pixels: number) => 1000 * pixels;

  it('is the whole image when one run of it fits the budget, else the backend tile, shrunk to fit', () => {
    expect(autoTile(768, 500, perPixel, 1000 * 768 * 500, 'wasm')).toBe(768);
    expect(autoTile(768, 500, perPixel, 1000 * 768 * 500 - 1, 'wasm')).toBe(256);
    expect(autoTile(768, 500, perPixel, 1000 * 100 * 100, 'wasm')).toBe(81); // 256 -> 192 -> 144 -> 108 -> 81
    expect(autoTile(768, 500, perPixel, 1, 'wasm')).toBe(32); // never below the smallest tile
    expect(autoTile(768, 500, perPixel, undefined, 'cpu')).toBe(640); // no budget known: the backend's tile
  });

  /** The real runtime under another backend's name and budget, counting runs. */
  function budgeted(backend: string, memoryBudget: number) {
    const stats = { runs: 0 };
    const rt: Runtime = {
      backend, memoryBudget, store: runtime.store, memory: new Map(),
      load: (b, l) => runtime.load(b, l), open: (m, r) => runtime.open(m, r),
      run(info, feeds, signal) { stats.runs++; return runtime.run(info, feeds, signal); },
    };
    return { rt, stats };
  }

  it('reads the budget from the backend: one run when the image fits, several tiles when not, the same pixels', async () => {
    const img = noiseImage(300, 200, 3, 5);
    const manifest = await runtime.store.get(UPSCALER);
    const whole = upscalerRunBytes(weightBytes(manifest, 'model'), 2, 300 * 200);
    const roomy = budgeted('wasm', whole);
    const one = await upscale(img, {}, roomy.rt);
    expect(roomy.stats.runs).toBe(1); // the browser's 256 px tile would have cut it in two
    expect(one.progress).toEqual([1]);
    const tight = budgeted('wasm', whole - 1);
    const tiled = await upscale(img, {}, tight.rt);
    expect(tight.stats.runs).toBeGreaterThanOrEqual(4);
    expect(tiled.image()).toMatchObject({ width: 600, height: 400 });
    expect(maxDiff(tiled.image(), one.image())).toBeLessThanOrEqual(1 / 255);
  });
});

describe('image.upscale with a fixed-size model', () => {
  it('feeds only tiles of that size, padding the edges, and matches away from the image border', async () => {
    const seen = new Set<string>();
    const rt: Runtime = {
      backend: runtime.backend, store: runtime.store, memory: new Map(), load: (b, l) => runtime.load(b, l),
      async open(m, r) {
        const info = await runtime.open(m, r);
        return { ...info, inputs: [{ ...info.inputs[0], shape: [1, 3, 32, 32] }] };
      },
      run(info, feeds, signal) {
        seen.add(Object.values(feeds)[0].dims.join('x'));
        return runtime.run(info, feeds, signal);
      },
    };
    const img = noiseImage(50, 20, 3, 4);
    const fixed = (await upscale(img, { overlap: 16 }, rt)).image();
    const whole = (await upscale(img, WHOLE)).image();
    expect(fixed).toMatchObject({ width: 100, height: 40 });
    expect([...seen]).toEqual(['1x3x32x32']);
    let max = 0;
    for (let y = 8; y < 32; y++) for (let x = 8; x < 92; x++) for (let c = 0; c < 3; c++) {
      const i = (y * 100 + x) * 3 + c;
      max = Math.max(max, Math.abs(fixed.data[i] - whole.data[i]));
    }
    expect(max).toBeLessThanOrEqual(1 / 255);
  });
});

describe('model.load_upscaler', () => {
  it('refuses a model that is not image-to-image, naming the input', async () => {
    const doc = graph([{ id: 'model', type: 'model.load_upscaler', params: { model: 'test-tiny-gan' } }]);
    expect(failure(await run(executor(), doc), 'model')).toMatch(/^Load Upscaler \("model"\): model "test-tiny-gan" model: input "z" has rank 2 \[batch, 16\]; expected rank 4$/);
  });

  it('measures the scale of a user model whose manifest does not give it', async () => {
    const root = mkdtempSync(join(tmpdir(), 'loom-models-'));
    const dir = join(root, 'my-sr');
    mkdirSync(dir);
    const source = join(PROJECT_MODEL_ROOTS[1], 'tiny-upscaler');
    copyFileSync(join(source, 'model.onnx'), join(dir, 'model.onnx'));
    const { upscaler: _, ...manifest } = JSON.parse(readFileSync(join(source, 'manifest.json'), 'utf8'));
    writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ ...manifest, id: 'my-sr', kind: 'onnx' }));
    testImages.set('user', noiseImage(9, 5, 3));
    const doc = upscaleDoc('user');
    doc.nodes[1].params.model = 'my-sr';
    const result = await run(executor(createNodeRuntime({ modelRoots: [root], threads: 1 })), doc);
    expect(outputImage(result, 'out')).toMatchObject({ width: 18, height: 10 });
  });
});
