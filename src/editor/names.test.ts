import { describe, expect, it } from 'vitest';
import { withNodeNames } from './names.ts';

const doc = {
  nodes: [
    { id: 'n1', type: 'image.gradient', version: 1, position: { x: 0, y: 0 }, params: {} },
    { id: 'upscaler', type: 'model.load_upscaler', version: 1, position: { x: 0, y: 0 }, params: {}, title: 'My upscaler' },
    { id: 'n2', type: 'image.output', version: 1, position: { x: 0, y: 0 }, params: {} },
  ],
};

describe('messages name nodes by title', () => {
  it('names the nodes a message quotes, not its ports', () => {
    expect(withNodeNames('the wire would make a cycle ("n2" already depends on "n1")', doc))
      .toBe('the wire would make a cycle (Image Output (n2) already depends on Gradient (n1))');
    expect(withNodeNames('input "upscaler" comes from "upscaler", which did not run', doc))
      .toBe('input "upscaler" comes from My upscaler (upscaler), which did not run');
    expect(withNodeNames('node "zz" does not exist', doc)).toBe('node "zz" does not exist');
  });
  it("leaves the engine's 'Title (\"id\")' form its title, without naming it twice", () => {
    expect(withNodeNames('Gradient ("n1"): width too large', doc)).toBe('Gradient (n1): width too large');
    expect(withNodeNames('My upscaler ("upscaler"): no model', doc)).toBe('My upscaler (upscaler): no model');
  });
});
