import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { builtinRegistry } from '../../nodes/registry.ts';
import type { GraphDoc } from '../graph/types.ts';
import { FsModelStore } from '../runtime/fsStore.ts';
import { PROJECT_MODEL_ROOTS } from '../runtime/node.ts';
import { modelHash } from '../runtime/manifest.ts';
import { graphModelRefs, missingModels, modelIdsInGraph } from './graphModels.ts';

const registry = builtinRegistry();
const store = new FsModelStore(PROJECT_MODEL_ROOTS);

async function defaultGraph(): Promise<GraphDoc> {
  const doc = JSON.parse(await readFile(fileURLToPath(new URL('../../graphs/default.json', import.meta.url)), 'utf8')) as GraphDoc;
  doc.nodes.find((n) => n.id === 'model')!.params.model = 'test-tiny-sd';
  return doc;
}

describe('models in graphs', () => {
  it('finds the ids that loader nodes name', async () => {
    const ids = modelIdsInGraph(await defaultGraph(), registry);
    expect(ids.get('test-tiny-sd')).toEqual(['model']);
  });

  it('records each model by hash, size and URL, and finds none missing when the store has them', async () => {
    const doc = await defaultGraph();
    const refs = await graphModelRefs(doc, registry, store);
    const sd = await store.get('test-tiny-sd');
    expect(refs['test-tiny-sd']).toEqual({ id: 'test-tiny-sd', sha256: await modelHash(sd), bytes: sd.files.reduce((n, f) => n + f.bytes, 0) });
    expect(await missingModels({ ...doc, models: refs }, registry, store)).toEqual([]);
  });

  it('lists a missing model with its source and size, and one whose content differs', async () => {
    const doc = await defaultGraph();
    doc.nodes.find((n) => n.id === 'model')!.params.model = 'sd15-onnx';
    const known = await modelHash(await store.get('test-tiny-sd'));
    doc.models = {
      'sd15-onnx': { id: 'sd15-onnx', url: 'https://huggingface.co/runwayml/stable-diffusion-v1-5/tree/onnx', bytes: 4_100_000_000 },
      'test-conv-net': { id: 'test-conv-net', sha256: known },
    };
    doc.nodes.push({ id: 'conv', type: 'model.load', version: 1, position: { x: 0, y: 0 }, params: { model: 'test-conv-net' } });
    expect(await missingModels(doc, registry, store)).toEqual([
      {
        id: 'sd15-onnx', problem: 'missing', usedBy: ['model'], url: 'https://huggingface.co/runwayml/stable-diffusion-v1-5/tree/onnx', bytes: 4_100_000_000,
        message: 'model "sd15-onnx" (4100000000 bytes) is not installed, used by "model"; get it from https://huggingface.co/runwayml/stable-diffusion-v1-5/tree/onnx',
      },
      expect.objectContaining({ id: 'test-conv-net', problem: 'different', usedBy: ['conv'] }),
    ]);
  });

  it('takes model ids named like Object properties as plain names', async () => {
    const doc = await defaultGraph();
    doc.nodes.find((n) => n.id === 'model')!.params.model = 'toString';
    doc.nodes.push({ id: 'proto', type: 'model.load', version: 1, position: { x: 0, y: 0 }, params: { model: '__proto__' } });
    const missing = await missingModels(doc, registry, store);
    expect(missing.map((m) => [m.id, m.problem, m.url, m.message])).toEqual([
      ['toString', 'missing', undefined, 'model "toString" is not installed, used by "model"'],
      ['__proto__', 'missing', undefined, 'model "__proto__" is not installed, used by "proto"'],
    ]);
    doc.models = JSON.parse('{"__proto__": {"id": "__proto__", "url": "https://example.org/p.onnx"}}');
    const refs = await graphModelRefs(doc, registry, store);
    expect(Object.getPrototypeOf(refs)).toBe(Object.prototype);
    expect(Object.hasOwn(refs, '__proto__')).toBe(true);
    expect(Object.hasOwn(refs, 'toString')).toBe(false);
  });
});
