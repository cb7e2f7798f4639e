import { describe, expect, it } from 'vitest';
import { freeSpot } from './placement.ts';

describe('placing new nodes', () => {
  it('keeps a free spot as it is', () => {
    expect(freeSpot({ x: 0, y: 0, width: 100, height: 50 }, [{ x: 500, y: 0, width: 100, height: 100 }])).toEqual({ x: 0, y: 0 });
  });

  it('moves a box off the nodes it would cover, below them', () => {
    const others = [{ x: 0, y: 0, width: 200, height: 100 }, { x: 0, y: 124, width: 200, height: 100 }];
    const spot = freeSpot({ x: 50, y: 20, width: 100, height: 50 }, others);
    expect(spot).toEqual({ x: 50, y: 248 });
  });
});
