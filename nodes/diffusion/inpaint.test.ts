// Inpainting and outpainting through the real executor: the blending path on the bundled model, and a
// 9-channel inpainting UNet (models/test/tiny-sd-inpaint) fed as diffusers feeds it.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { GraphDoc } from '../../src/graph/types.ts';
import type { MaskValue } from '../../src/image/mask.ts';
import type { ImageValue } from '../../src/image/value.ts';
import type { LatentValue } from '../../src/kernel/values.ts';
import { createNodeRuntime } from '../../src/runtime/node.ts';
import type { Tensor } from '../../src/runtime/tensor.ts';
import { executor, failure } from '../../test/runGraph.ts';

const load = (name: string) => JSON.parse(readFileSync(new URL(`../../graphs/${name}`, import.meta.url), 'utf8')) as GraphDoc;

/** The largest difference between two RGB images over the pixels `where` accepts (x, y). */
function maxDiffWhere(a: ImageValue, b: ImageValue, where: (x: number, y: number) => boolean): number {
  let max = 0;
  for (let y = 0; y < a.height; y++) {
    for (let x = 0; x < a.width; x++) {
      if (!where(x, y)) continue;
      for (let c = 0; c < 3; c++) max = Math.max(max, Math.abs(a.data[(y * a.width + x) * 3 + c] - b.data[(y * b.width + x) * 3 + c]));
    }
  }
  return max;
}

describe('inpainting with a plain UNet (graphs/inpaint.json, bundled model)', () => {
  it('repaints the masked half; outside the hard mask the decoded image is the input (within 2/255)', async () => {
    const ex = executor();
    const r = await ex.run(load('inpaint.json'));
    expect(r.status).toBe('done');
    const input = ex.outputs('decode_render')!.image as ImageValue;
    const raw = ex.outputs('decode')!.image as ImageValue;
    const out = r.results.output.image as ImageValue;
    const mask = ex.outputs('hard_mask')!.mask as MaskValue;
    const [w, h] = [mask.width, mask.height];
    expect([w, h]).toEqual([input.width, input.height]);
    const masked = (x: number, y: number) => mask.data[y * w + x] >= 0.5;
    // The stroke covers the right half.
    expect(masked(Math.round(0.625 * w), Math.round(0.15 * h))).toBe(true);
    expect(masked(Math.round(0.3 * w), Math.round(0.15 * h))).toBe(false);
    // The final latent outside the mask is the init latent itself, so the decoder gives the input's
    // pixels there, except within its reach (a few latent cells) of the mask's edge.
    const init = (ex.outputs('render')!.latent as LatentValue).tensor;
    const final = (ex.outputs('inpaint')!.latent as LatentValue).tensor.data as Float32Array;
    const [, lc, lh, lw] = init.dims;
    for (let c = 0; c < lc; c++) for (let y = 0; y < lh; y++) for (let x = 0; x < lw / 2; x++) {
      expect(final[(c * lh + y) * lw + x]).toBe((init.data as Float32Array)[(c * lh + y) * lw + x]);
    }
    expect(maxDiffWhere(raw, input, (x) => x < w / 8)).toBeLessThanOrEqual(2 / 255);
    // With the original laid over it outside the mask (Composite), every unmasked pixel is the input's.
    expect(maxDiffWhere(out, input, (x, y) => !masked(x, y))).toBeLessThanOrEqual(2 / 255);
    // Inside, it changed.
    expect(maxDiffWhere(out, input, (x, y) => masked(x, y))).toBeGreaterThan(0.1);
  });

  it('outpaints (graphs/outpaint.json): an image wider by the pad whose left part is the input', async () => {
    const doc = load('outpaint.json');
    const pad = doc.nodes.find((n) => n.id === 'pad')!.params.right as number;
    const ex = executor();
    const r = await ex.run(doc);
    expect(r.status).toBe('done');
    const input = ex.outputs('decode_render')!.image as ImageValue;
    const out = r.results.output.image as ImageValue;
    expect([out.width, out.height]).toEqual([input.width + pad, input.height]);
    expect(maxDiffWhere(out, input, (x) => x < input.width)).toBeLessThanOrEqual(2 / 255);
    // The new strip is not the grey fill.
    expect(maxDiffWhere(out, { ...out, data: new Float32Array(out.data.length).fill(0.5) }, (x) => x >= input.width)).toBeGreaterThan(0.2);
  });

  it('says what is missing', async () => {
    const doc = load('inpaint.json');
    doc.edges = doc.edges.filter((e) => !(e.to.node === 'inpaint' && e.to.port === 'init'));
    expect(failure(await executor().run(doc), 'inpaint')).toMatch(/a mask needs an init latent/);
  });
});

describe('a 9-channel inpainting UNet (tiny-sd-inpaint)', () => {
  const size = load('img2img.json').nodes.find((n) => n.id === 'noise')!.params.width as number;
  const cells = size / 8;
  function graph(): GraphDoc {
    const doc = load('img2img.json');
    doc.nodes.find((n) => n.id === 'model')!.params.model = 'test-tiny-sd-inpaint';
    doc.nodes.find((n) => n.id === 'scheduler')!.params.steps = 4;
    doc.nodes.find((n) => n.id === 'denoise')!.params.strength = 1;
    const at = { x: 0, y: 0 };
    doc.nodes.push(
      { id: 'mask_source', type: 'image.gradient', version: 1, position: at, params: { width: size, height: size } },
      { id: 'mask', type: 'mask.from_image', version: 1, position: at, params: { channel: 'red' } },
      { id: 'masked_image', type: 'mask.masked_image', version: 1, position: at, params: {} },
      { id: 'encode_masked', type: 'diffusion.vae_encode', version: 1, position: at, params: { mode: 'mean', seed: 0 } },
    );
    const wire = (a: string, ap: string, b: string, bp: string) => doc.edges.push({ id: `${a}-${b}-${bp}`, from: { node: a, port: ap }, to: { node: b, port: bp } });
    wire('mask_source', 'image', 'mask', 'image');
    wire('image', 'image', 'masked_image', 'image');
    wire('mask', 'mask', 'masked_image', 'mask');
    wire('model', 'vae', 'encode_masked', 'vae');
    wire('masked_image', 'image', 'encode_masked', 'image');
    wire('mask', 'mask', 'denoise', 'mask');
    wire('encode_masked', 'latent', 'denoise', 'masked_latent');
    return doc;
  }

  it('takes the scaled latent, the mask at latent size and the masked image\'s latent, in that order, for cond and uncond', async () => {
    const runtime = createNodeRuntime({ threads: 2 });
    const samples: Tensor[] = [];
    const run = runtime.run.bind(runtime);
    runtime.run = (info, feeds, signal) => {
      if (feeds.encoder_hidden_states) samples.push(feeds.sample);
      return run(info, feeds, signal);
    };
    const ex = executor(runtime);
    const r = await ex.run(graph());
    expect(r.status).toBe('done');
    expect(samples).toHaveLength(4);
    expect(samples[0].dims).toEqual([2, 9, cells, cells]);
    const masked = (ex.outputs('encode_masked')!.latent as LatentValue).tensor.data as Float32Array;
    const data = samples[0].data as Float32Array;
    const plane = cells * cells;
    for (const item of [0, 1]) {
      const base = item * 9 * plane;
      // The gradient's red is x / (size - 1) at pixel x: binarised at 0.5 and shrunk (nearest), latent column x is pixel 8x.
      for (let y = 0; y < cells; y++) for (let x = 0; x < cells; x++) expect(data[base + 4 * plane + y * cells + x]).toBe(8 * x / (size - 1) >= 0.5 ? 1 : 0);
      expect(Array.from(data.subarray(base + 5 * plane, base + 9 * plane))).toEqual(Array.from(masked));
    }
    const noiseTensor = (ex.outputs('noise')!.latent as LatentValue).tensor.data as Float32Array;
    // The first input: the noise times the initial sigma, scaled for Euler, before the extra channels.
    expect(data[0]).not.toBe(0);
    expect(Math.sign(data[0])).toBe(Math.sign(noiseTensor[0]));
  });

  it('refuses an inpainting UNet without the masked latent, and a masked latent for a plain UNet', async () => {
    const doc = graph();
    doc.edges = doc.edges.filter((e) => e.to.port !== 'masked_latent');
    expect(failure(await executor().run(doc), 'denoise')).toMatch(/this inpainting UNet also needs the masked image's latent/);
    const plain = graph();
    plain.nodes.find((n) => n.id === 'model')!.params.model = 'test-tiny-sd';
    expect(failure(await executor().run(plain), 'denoise')).toMatch(/masked_latent is for inpainting UNets/);
  });
});
