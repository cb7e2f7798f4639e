import { describe, expect, it } from 'vitest';
import { registry } from '../catalog.ts';
import { searchNodes } from './search.ts';

const types = (q: Parameters<typeof searchNodes>[1]) => searchNodes(registry.all(), q).map((d) => d.type);

describe('node search', () => {
  it('finds by name, best match first', () => {
    expect(types({ text: 'gradient', portType: '' })[0]).toBe('image.gradient');
    expect(types({ text: 'image output', portType: '' })[0]).toBe('image.output');
  });

  it.each([
    ['ksampler', 'diffusion.denoise'],
    ['sampler', 'diffusion.denoise'],
    ['KSampler', 'diffusion.denoise'],
    ['preview', 'image.output'],
    ['preview image', 'image.output'],
    ['upscl', 'image.upscale'],
    ['upscale', 'image.upscale'],
    ['checkpoint', 'diffusion.load_checkpoint'],
    ['load checkpoint', 'diffusion.load_checkpoint'],
    ['save', 'image.save'],
    ['clip text encode', 'diffusion.text_encoder'],
    ['empty latent', 'diffusion.noise'],
    ['vae', 'diffusion.vae_decode'],
    ['taesd', 'model.load_preview_decoder'],
    ['preview decoder', 'model.load_preview_decoder'],
  ])('what users of other tools type: "%s" finds %s first', (text, type) => {
    expect(types({ text, portType: '' })[0]).toBe(type);
  });

  it('finds by param name, and forgives a missing letter', () => {
    expect(types({ text: 'cfg', portType: '' })[0]).toBe('diffusion.denoise');
    expect(types({ text: 'truncation', portType: '' })[0]).toBe('gan.generate');
    expect(types({ text: 'gradeint', portType: '' })).not.toContain('image.gradient'); // letters out of order: no match
    expect(types({ text: 'gradent', portType: '' })[0]).toBe('image.gradient');
  });

  it('lists nothing for a word that matches nothing', () => {
    expect(types({ text: 'zzzq', portType: '' })).toEqual([]);
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
    expect(intoModel).toEqual(['model.load', 'core.reroute']); // a reroute passes any value on
  });
});
