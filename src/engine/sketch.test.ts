// A node's sketch (its outputs' shapes before the run, for the memory check) tells what its run then
// gives: each sketched node of real graphs against its real outputs, field by field, data aside.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withDefaults, type GraphDoc } from '../graph/index.ts';
import sharp from 'sharp';
import { encodePng } from '../image/png.ts';
import { executor, graph, noiseImage, runtime } from '../../test/runGraph.ts';

const examplesDir = new URL('../../graphs/', import.meta.url);
const examples = readdirSync(examplesDir).filter((f) => f.endsWith('.json') && f !== 'default.json');
const defaultGraph = JSON.parse(readFileSync(fileURLToPath(new URL('default.json', examplesDir)), 'utf8')) as GraphDoc;

/** Every field the sketch gives equals the real value's; typed arrays (the data a sketch leaves empty) aside. */
function expectTold(sketch: unknown, real: unknown, path: string): void {
  if (ArrayBuffer.isView(sketch)) return;
  if (sketch !== null && typeof sketch === 'object') {
    expect(real, path).toBeTypeOf('object');
    for (const [k, v] of Object.entries(sketch)) expectTold(v, (real as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  expect(real, path).toEqual(sketch);
}

/** Runs `doc`, then sketches each node that can from its real inputs; returns the ids sketched. */
async function checkSketches(doc: GraphDoc): Promise<string[]> {
  const ex = executor();
  const result = await ex.run(doc);
  expect(result.status, JSON.stringify(result.nodes)).toBe('done');
  const sketched: string[] = [];
  for (const node of withDefaults(doc, ex.registry).nodes) {
    const def = ex.registry.get(node.type)!;
    if (!def.sketch) continue;
    const inputs = Object.fromEntries(doc.edges.filter((e) => e.to.node === node.id).map((e) => [e.to.port, ex.outputs(e.from.node)![e.from.port]]));
    const sketch = await def.sketch(node.params, inputs, { runtime, unknown: [] });
    expect(Object.keys(sketch).length, `${node.id} sketched nothing`).toBeGreaterThan(0);
    expectTold(sketch, ex.outputs(node.id), node.id);
    sketched.push(node.id);
  }
  return sketched;
}

describe('sketches before the run', () => {
  it('tell the default graph\'s shapes, models and schedule as its run gives them', async () => {
    expect(await checkSketches(defaultGraph)).toEqual(['model', 'noise', 'scheduler', 'denoise', 'decode', 'upscaler', 'upscale', 'output']);
  });

  it.each(examples)('tell what %s makes, node by node', async (file) => {
    const doc = JSON.parse(readFileSync(new URL(file, examplesDir), 'utf8')) as GraphDoc;
    const sketched = new Set(await checkSketches(doc));
    // All but these are weighed ahead of a run of the examples (docs/architecture.md says so).
    const unsketched = new Set(doc.nodes.filter((n) => !sketched.has(n.id)).map((n) => n.type));
    for (const type of unsketched) expect(['core.prompt', 'diffusion.text_encoder', 'model.load', 'image.apply_model'], file).toContain(type);
  });

  it('tell a gradient through a reroute dot, a resize, a GAN model and a single UNet step', async () => {
    const doc = graph([
      { id: 'g', type: 'image.gradient', params: { width: 30, height: 20 } }, { id: 'dot', type: 'core.reroute' },
      { id: 'r', type: 'image.resize', params: { mode: 'factor', factor: 1.5 } },
      { id: 'gan', type: 'model.load_gan', params: { model: 'loom-emoji-gan' } },
      { id: 'sd', type: 'diffusion.load_checkpoint', params: { model: 'test-tiny-sd' } }, { id: 'n', type: 'diffusion.noise', params: { width: 64, height: 32, batch: 2 } },
      { id: 's', type: 'diffusion.scheduler', params: { sampler: 'model', steps: 3 } }, { id: 'p', type: 'core.prompt', params: { text: 'a cat' } },
      { id: 'te', type: 'diffusion.text_encoder' }, { id: 'step', type: 'diffusion.unet_step', params: { step: 0, cfg: 1 } },
    ], [
      ['g', 'image', 'dot', 'in'], ['dot', 'out', 'r', 'image'], ['sd', 'unet', 'n', 'unet'], ['sd', 'unet', 's', 'unet'], ['sd', 'text_encoder', 'te', 'text_encoder'], ['p', 'text', 'te', 'text'],
      ['sd', 'unet', 'step', 'unet'], ['n', 'latent', 'step', 'latent'], ['te', 'conditioning', 'step', 'positive'], ['s', 'schedule', 'step', 'schedule'],
    ]);
    expect(await checkSketches(doc)).toEqual(['g', 'dot', 'r', 'gan', 'sd', 'n', 's', 'step']);
  });

  it('tell a loaded image from its file\'s header, and leave out one whose EXIF data may turn it', async () => {
    const png = `data:image/png;base64,${Buffer.from(await encodePng(noiseImage(30, 20, 4))).toString('base64')}`;
    const doc = graph([{ id: 'load', type: 'image.load', params: { image: png } }, { id: 'r', type: 'image.resize', params: { mode: 'factor', factor: 2 } }], [['load', 'image', 'r', 'image']]);
    expect(await checkSketches(doc)).toEqual(['load', 'r']);
    const jpeg = await sharp(Buffer.alloc(30 * 20 * 3, 128), { raw: { width: 30, height: 20, channels: 3 } }).jpeg().withMetadata({ orientation: 6 }).toBuffer();
    const turned = { image: `data:image/jpeg;base64,${jpeg.toString('base64')}` };
    const load = executor().registry.get('image.load')!;
    expect(await load.sketch!(turned, {}, { runtime, unknown: [] })).toEqual({});
    const ex = executor();
    expect((await ex.run(graph([{ id: 'load', type: 'image.load', params: turned }]), { targets: ['load'] })).status).toBe('done');
    expect(ex.outputs('load')!.image).toMatchObject({ width: 20, height: 30 }); // turned: the header's sides would be wrong
  });

  it('leave out what depends on a wired model not known yet, rather than guess', async () => {
    const ex = executor();
    const noise = ex.registry.get('diffusion.noise')!;
    const scheduler = ex.registry.get('diffusion.scheduler')!;
    const params = withDefaults(graph([{ id: 'n', type: 'diffusion.noise' }, { id: 's', type: 'diffusion.scheduler' }]), ex.registry).nodes.map((n) => n.params);
    expect(await noise.sketch!(params[0], {}, { runtime, unknown: ['unet'] })).toEqual({});
    expect(await scheduler.sketch!(params[1], {}, { runtime, unknown: ['unet'] })).toEqual({});
    // Not wired at all: SD 1.5's layout and schedule, as the runs use.
    expect(await noise.sketch!(params[0], {}, { runtime, unknown: [] })).toMatchObject({ latent: { tensor: { dims: [1, 4, 64, 64] } } });
    expect(Object.keys(await scheduler.sketch!(params[1], {}, { runtime, unknown: [] }))).toEqual(['schedule', 'sampler']);
  });
});
