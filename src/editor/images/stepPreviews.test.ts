import { describe, expect, it } from 'vitest';
import { image } from '../../image/value.ts';
import { stepPreviews } from './StepScrubber.tsx';

describe('stepPreviews', () => {
  const frames = (n: number) => Array.from({ length: n }, () => image(2, 2, 3));

  it('numbers the recorded steps by their place in the schedule when only every k-th was kept', () => {
    const got = stepPreviews({ steps: { kind: 'steps', indices: [2, 5, 7], previews: frames(3) } });
    expect(got?.numbers).toEqual([3, 6, 8]);
  });

  it('numbers every step from 1 when all were kept, and gives nothing without previews', () => {
    expect(stepPreviews({ steps: { kind: 'steps', indices: [0, 1, 2], previews: frames(3) } })?.numbers).toEqual([1, 2, 3]);
    expect(stepPreviews({ steps: { kind: 'steps', previews: frames(2) } })?.numbers).toEqual([1, 2]);
    expect(stepPreviews({ image: image(2, 2, 3) })).toBeUndefined();
  });
});
