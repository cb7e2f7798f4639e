import { describe, expect, it } from 'vitest';
import { resizeImage } from '../../src/image/resize.ts';
import { executor, failure, graph, maxDiff, noiseImage, outputImage, run, testImages } from '../../test/runGraph.ts';

async function resize(name: string, params: Record<string, unknown>) {
  const doc = graph([{ id: 'src', type: 'test.image', params: { name } }, { id: 'rs', type: 'image.resize', params }, { id: 'out', type: 'image.output' }],
    [['src', 'image', 'rs', 'image'], ['rs', 'image', 'out', 'image']]);
  return run(executor(), doc);
}

describe('image.resize', () => {
  testImages.set('rs', noiseImage(40, 30, 4, 9));

  it('resizes to a size, keeping the aspect ratio when one side is 0', async () => {
    expect(outputImage(await resize('rs', { width: 20, height: 0 }), 'out')).toMatchObject({ width: 20, height: 15, channels: 4 });
    expect(outputImage(await resize('rs', { width: 0, height: 45 }), 'out')).toMatchObject({ width: 60, height: 45 });
    const exact = outputImage(await resize('rs', { width: 7, height: 9, filter: 'area' }), 'out');
    expect(maxDiff(exact, resizeImage(testImages.get('rs')!, 7, 9, 'area'))).toBe(0);
  });

  it('resizes by a factor', async () => {
    expect(outputImage(await resize('rs', { mode: 'factor', factor: 0.5, filter: 'nearest' }), 'out')).toMatchObject({ width: 20, height: 15 });
  });

  it('refuses sizes over the limit before allocating', async () => {
    const huge = await resize('rs', { width: 16384, height: 12000 });
    expect(failure(huge, 'rs')).toMatch(/^Resize \("rs"\): resized image: 16384x12000 \(196\.6 megapixels\) is over the budget/);
    expect(failure(await resize('rs', { width: 0, height: 0 }), 'rs')).toMatch(/give at least one of them/);
  });
});
