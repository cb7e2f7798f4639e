import { describe, expect, it } from 'vitest';
import { MIN_FIT_ZOOM, NODE_MIN_FONT_PX, readableViewport } from './readable.ts';

describe('fitting the view at a readable size', () => {
  it('fits a small graph, centred', () => {
    const v = readableViewport({ x: 0, y: 0, width: 400, height: 200 }, null, { width: 1000, height: 600 });
    expect(v.zoom).toBeGreaterThan(MIN_FIT_ZOOM);
    expect(v.x + (200 * v.zoom)).toBeCloseTo(500); // the middle of the graph in the middle of the screen
  });

  it('never zooms out below 11 px node text: a wide graph is panned so its outputs are in view', () => {
    const bounds = { x: 0, y: 0, width: 1900, height: 700 };
    const outputs = { x: 1640, y: 200, width: 240, height: 200 };
    const screen = { width: 960, height: 560 };
    const v = readableViewport(bounds, outputs, screen);
    expect(v.zoom * NODE_MIN_FONT_PX).toBeGreaterThanOrEqual(11);
    const right = v.x + (outputs.x + outputs.width) * v.zoom;
    const left = v.x + outputs.x * v.zoom;
    expect(left).toBeGreaterThanOrEqual(0);
    expect(right).toBeLessThanOrEqual(screen.width);
    const top = v.y + outputs.y * v.zoom;
    expect(top).toBeGreaterThanOrEqual(0);
    expect(top + outputs.height * v.zoom).toBeLessThanOrEqual(screen.height);
  });
});
