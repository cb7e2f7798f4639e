import { describe, expect, it } from 'vitest';
import { registry } from '../catalog.ts';
import { searchNodes } from './search.ts';

const types = (q: Parameters<typeof searchNodes>[1]) => searchNodes(registry.all(), q).map((d) => d.type);

describe('node search', () => {
  it('finds by name, best match first', () => {
    expect(types({ text: 'gradient', portType: '' })[0]).toBe('image.gradient');
    expect(types({ text: 'image output', portType: '' })[0]).toBe('image.output');
  });

  it('filters by port type', () => {
    const found = types({ text: '', portType: 'MODEL' });
    expect(found).toContain('model.load');
    expect(found).toContain('image.apply_model');
    expect(found).not.toContain('image.gradient');
  });

  it('with a dropped wire, lists only nodes with a port that takes it', () => {
    const fromImage = types({ text: '', portType: '', pending: { node: 'n1', port: 'image', side: 'source', type: 'IMAGE' } });
    expect(fromImage).toContain('image.output');
    expect(fromImage).not.toContain('image.gradient');
    const intoModel = types({ text: '', portType: '', pending: { node: 'n1', port: 'model', side: 'target', type: 'MODEL' } });
    expect(intoModel).toEqual(['model.load']);
  });
});
