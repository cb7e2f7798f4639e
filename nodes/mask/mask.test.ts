// Mask nodes, Pad Image and the image Crop / Composite / Blend nodes, through the real executor.
import { describe, expect, it } from 'vitest';
import type { MaskValue } from '../../src/image/mask.ts';
import { image, type ImageValue } from '../../src/image/value.ts';
import { executor, failure, graph, noiseImage, testImages } from '../../test/runGraph.ts';

const src = (name: string) => ({ id: name, type: 'test.image', params: { name } });

function maskOf(values: number[][]): ImageValue {
  const h = values.length;
  const w = values[0].length;
  return image(w, h, 1, Float32Array.from(values.flat()));
}

describe('mask nodes', () => {
  it('from an image channel or alpha, threshold, invert, grow, shrink, feather', async () => {
    const rgba = image(2, 1, 4, Float32Array.of(0.2, 0.4, 0.6, 1, 0.8, 0.1, 0.3, 0.25));
    testImages.set('rgba', rgba);
    testImages.set('dot', maskOf([[0, 0, 0, 0, 0], [0, 0, 0, 0, 0], [0, 0, 1, 0, 0], [0, 0, 0, 0, 0], [0, 0, 0, 0, 0]]));
    testImages.set('rgb', noiseImage(3, 3, 3));
    const ex = executor();
    const r = await ex.run(graph([
      src('rgba'), src('dot'), src('rgb'),
      { id: 'alpha', type: 'mask.from_image', params: { channel: 'alpha' } },
      { id: 'red', type: 'mask.from_image', params: { channel: 'red' } },
      { id: 'hard', type: 'mask.threshold', params: { threshold: 0.5 } },
      { id: 'inv', type: 'mask.invert' },
      { id: 'dotmask', type: 'mask.from_image', params: { channel: 'luminance' } },
      { id: 'grown', type: 'mask.grow', params: { pixels: 1 } },
      { id: 'shrunk', type: 'mask.grow', params: { pixels: -1 } },
      { id: 'soft', type: 'mask.feather', params: { radius: 2 } },
      { id: 'view', type: 'mask.to_image' },
      { id: 'noalpha', type: 'mask.from_image', params: { channel: 'alpha' } },
    ], [['rgba', 'image', 'alpha', 'image'], ['rgba', 'image', 'red', 'image'], ['red', 'mask', 'hard', 'mask'], ['hard', 'mask', 'inv', 'mask'],
      ['dot', 'image', 'dotmask', 'image'], ['dotmask', 'mask', 'grown', 'mask'], ['grown', 'mask', 'shrunk', 'mask'], ['dotmask', 'mask', 'soft', 'mask'],
      ['soft', 'mask', 'view', 'mask'], ['rgb', 'image', 'noalpha', 'image']]),
    { targets: ['alpha', 'inv', 'shrunk', 'view', 'noalpha'] });
    const m = (id: string) => Array.from((ex.outputs(id)!.mask as MaskValue).data);
    expect(m('alpha')).toEqual([1, 0.25]);
    expect(m('hard')).toEqual([0, 1]);
    expect(m('inv')).toEqual([1, 0]);
    expect(m('grown')).toEqual([0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0]);
    expect(m('shrunk')).toEqual(m('dotmask'));
    const soft = m('soft');
    expect(soft[12]).toBeLessThan(1);
    expect(soft[12]).toBeGreaterThan(soft[11]);
    expect(soft[11]).toBeGreaterThan(soft[10]);
    expect(soft[11]).toBeCloseTo(soft[7], 6); // symmetric
    expect((ex.outputs('view')!.image as ImageValue).channels).toBe(1);
    expect(failure(r, 'noalpha')).toMatch(/the image has no alpha channel \(it has 3 channels\)/);
  });
});

describe('Pad Image, Crop, Composite, Blend', () => {
  it('pads with grey and a mask over the new area; cropping the padded image gives the original back', async () => {
    const img = noiseImage(4, 3, 3);
    testImages.set('img', img);
    const ex = executor();
    const r = await ex.run(graph([src('img'), { id: 'pad', type: 'image.pad', params: { left: 2, top: 1, right: 3, bottom: 0 } },
      { id: 'crop', type: 'image.crop', params: { x: 2, y: 1, width: 4, height: 3 } }],
    [['img', 'image', 'pad', 'image'], ['pad', 'image', 'crop', 'image']]), { targets: ['pad', 'crop'] });
    expect(r.status).toBe('done');
    const padded = ex.outputs('pad')!.image as ImageValue;
    const m = ex.outputs('pad')!.mask as MaskValue;
    expect([padded.width, padded.height, m.width, m.height]).toEqual([9, 4, 9, 4]);
    expect(Array.from(padded.data.subarray(0, 3))).toEqual([0.5, 0.5, 0.5]);
    expect(m.data[0]).toBe(1);
    expect(m.data[1 * 9 + 2]).toBe(0);
    expect(m.data[3 * 9 + 5]).toBe(0);
    expect(m.data[3 * 9 + 6]).toBe(1);
    expect(m.data.reduce((a, b) => a + b, 0)).toBe(9 * 4 - 12);
    expect((ex.outputs('crop')!.image as ImageValue).data).toEqual(img.data);
  });

  it('composites with and without a mask, and blends', async () => {
    testImages.set('dest', image(3, 1, 3, new Float32Array(9).fill(0)));
    testImages.set('srcgrey', image(2, 1, 1, Float32Array.of(1, 1)));
    testImages.set('half', maskOf([[1, 0.5]]));
    testImages.set('white', image(3, 1, 3, new Float32Array(9).fill(1)));
    const ex = executor();
    const r = await ex.run(graph([src('dest'), src('srcgrey'), src('half'), src('white'),
      { id: 'plain', type: 'image.composite', params: { x: 1, y: 0 } },
      { id: 'mask', type: 'mask.from_image', params: { channel: 'red' } },
      { id: 'masked', type: 'image.composite', params: { x: 0, y: 0 } },
      { id: 'blend', type: 'image.blend', params: { factor: 0.25 } }],
    [['dest', 'image', 'plain', 'destination'], ['srcgrey', 'image', 'plain', 'source'],
      ['dest', 'image', 'masked', 'destination'], ['srcgrey', 'image', 'masked', 'source'], ['half', 'image', 'mask', 'image'], ['mask', 'mask', 'masked', 'mask'],
      ['white', 'image', 'blend', 'a'], ['dest', 'image', 'blend', 'b']]), { targets: ['plain', 'masked', 'blend'] });
    expect(r.status).toBe('done');
    const px = (id: string) => Array.from((ex.outputs(id)!.image as ImageValue).data);
    expect(px('plain')).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 1]);
    expect(px('masked')).toEqual([1, 1, 1, 0.5, 0.5, 0.5, 0, 0, 0]);
    expect(px('blend')).toEqual(new Array(9).fill(0.25));
  });
});

describe('Paint Mask', () => {
  const dab = { mode: 'brush', size: 0.5, points: [0.5, 0.5] };
  it('paints its strokes at the size of the image wired in, the brush scaled with it', async () => {
    testImages.set('wide', noiseImage(40, 20, 3));
    testImages.set('wider', noiseImage(80, 40, 3));
    const ex = executor();
    const r = await ex.run(graph([src('wide'), src('wider'),
      { id: 'paint', type: 'mask.paint', params: { strokes: [dab] } },
      { id: 'paint2', type: 'mask.paint', params: { strokes: [dab] } }],
    [['wide', 'image', 'paint', 'image'], ['wider', 'image', 'paint2', 'image']]), { targets: ['paint', 'paint2'] });
    expect(r.status).toBe('done');
    const small = ex.outputs('paint')!.mask as MaskValue;
    const large = ex.outputs('paint2')!.mask as MaskValue;
    expect([small.width, small.height, large.width, large.height]).toEqual([40, 20, 80, 40]);
    // A disc of diameter half the 20 px side, at the centre: radius 5 px, so (20, 10) is in and (26, 10) out.
    expect(small.data[10 * 40 + 20]).toBe(1);
    expect(small.data[10 * 40 + 26]).toBe(0);
    expect(small.data[4 * 40 + 20]).toBe(0);
    // Twice the size: radius 10 px.
    expect(large.data[20 * 80 + 49]).toBe(1);
    expect(large.data[20 * 80 + 51]).toBe(0);
  });

  it('refuses strokes out of bounds before running, naming the node and the param', async () => {
    testImages.set('wide', noiseImage(40, 20, 3));
    const r = await executor().run(graph([src('wide'), { id: 'paint', type: 'mask.paint', params: { strokes: [dab, { ...dab, size: 3 }] } }],
      [['wide', 'image', 'paint', 'image']]), { targets: ['paint'] });
    expect(r.status).toBe('invalid');
    expect(r.problems.map((p) => p.message).join('\n')).toMatch(/node "paint" \(mask\.paint\): param "strokes" stroke 2: size must be between 0\.001 and 1/);
  });
});
