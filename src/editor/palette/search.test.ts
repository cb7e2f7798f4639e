import { describe, expect, it } from 'vitest';
import type { NodeDefinition } from '../../kernel/define.ts';
import { registry } from '../catalog.ts';
import { searchNodes } from './search.ts';

const types = (q: Parameters<typeof searchNodes>[1]) => searchNodes(registry.all(), q).map((d) => d.type);
const find = (text: string) => types({ text, portType: '' });
const names = (d: NodeDefinition) => [d.title, ...(d.aliases ?? []), d.type].map((n) => n.toLowerCase());
const byCategoryThenTitle = (a: NodeDefinition, b: NodeDefinition) =>
  a.category.localeCompare(b.category) || a.title.localeCompare(b.title) || a.type.localeCompare(b.type);

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

  it('forgives typos that keep the letters in order', () => {
    expect(find('upscl')[0]).toBe('image.upscale');
    expect(find('ksamplr')[0]).toBe('diffusion.denoise');
    expect(find('chkpt')[0]).toBe('diffusion.load_checkpoint');
  });

  it('finds by the start of a name', () => {
    expect(find('deno')[0]).toBe('diffusion.denoise');
    expect(find('trunc')[0]).toBe('gan.generate');
    expect(find('check')[0]).toBe('diffusion.load_checkpoint');
    expect(find('grad')[0]).toBe('image.gradient');
  });

  it.each(['strength', 'cfg', 'truncation'])('finds by param name: "%s" lists the nodes with that param first', (param) => {
    const having = registry.all().filter((d) => param in d.params).map((d) => d.type);
    expect(having.length).toBeGreaterThan(0);
    expect(new Set(find(param).slice(0, having.length))).toEqual(new Set(having));
  });

  it.each(['image', 'step', 'prompt', 'scale', 'mask', 'noise', 'model', 'latent', 'load', 'encode', 'vae'])(
    'a name that has "%s" in it ranks above a param, category, port or description that has it', (text) => {
      const found = searchNodes(registry.all(), { text, portType: '' });
      const named = found.map((d) => names(d).some((n) => n.includes(text)));
      expect(named[0]).toBe(true);
      expect(named.indexOf(false) === -1 || named.lastIndexOf(true) < named.indexOf(false)).toBe(true);
    });

  it('sorts ties by category, then title, whatever order the nodes are listed in', () => {
    const all = registry.all();
    const reversed = [...all].reverse();
    for (const text of ['', 'image', 'mask', 'latent', 'ups', 'seed', 'cfg', 'load image']) {
      expect(searchNodes(reversed, { text, portType: '' }).map((d) => d.type)).toEqual(find(text));
    }
    // Titles that all start with "image" tie: they lead, in category and title order.
    const leading = all.filter((d) => d.title.toLowerCase().startsWith('image') && d.title.toLowerCase() !== 'image');
    expect(leading.length).toBeGreaterThan(1);
    expect(find('image').slice(0, leading.length)).toEqual([...leading].sort(byCategoryThenTitle).map((d) => d.type));
    // No text: every node, in category and title order.
    expect(find('')).toEqual([...all].sort(byCategoryThenTitle).map((d) => d.type));
  });

  it('with several words, each must match something', () => {
    expect(find('load image')[0]).toBe('image.load');
    expect(find('upscale image')).toEqual(expect.arrayContaining(['image.upscale', 'image.resize']));
    expect(find('upscale zzzq')).toEqual([]);
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
