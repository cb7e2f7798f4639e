import { cp, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { FsModelStore } from '../runtime/fsStore.ts';
import { externalDataFor } from '../runtime/externalData.ts';
import { importModel } from './importModel.ts';
import { copyModel, diskSource } from './nodeSource.ts';
import { fakeOnnx, fakeWeights } from '../../test/onnxBuilder.ts';

const unetIo = {
  inputs: [
    { name: 'sample', dtype: 'float32', shape: ['batch', 4, 'h', 'w'] },
    { name: 'timestep', dtype: 'int64', shape: [1] },
    { name: 'encoder_hidden_states', dtype: 'float32', shape: ['batch', 77, 32] },
  ],
  outputs: [{ name: 'out_sample', dtype: 'float32', shape: ['batch', 4, 'h', 'w'] }],
};

describe('external data', () => {
  it('an SD folder whose UNet keeps its weights in unet/weights.pb imports, and the weights load as externalData', async () => {
    const tmp = await mkdtemp(join(tmpdir(), 'loom-ext-'));
    const src = join(tmp, 'ext-sd');
    await cp(fileURLToPath(new URL('../../models/test/tiny-sd', import.meta.url)), src, { recursive: true });
    await rm(join(src, 'manifest.json'));
    await writeFile(join(src, 'unet/model.onnx'), fakeOnnx(unetIo.inputs, unetIo.outputs, 'weights.pb'));
    await writeFile(join(src, 'unet/weights.pb'), fakeWeights());

    const source = await diskSource(src);
    const { manifest } = await importModel(source);
    expect(manifest.files.filter((f) => f.role.startsWith('unet')).map((f) => [f.role, f.path])).toEqual([
      ['unet', 'unet/model.onnx'], ['unet_data', 'unet/weights.pb'], ['unet_config', 'unet/config.json'],
    ]);
    await copyModel(source, manifest, join(tmp, 'store'));

    // What OrtRuntime.open would do: model bytes plus its data files as the externalData option.
    const store = new FsModelStore([join(tmp, 'store')]);
    const stored = await store.get('ext-sd');
    const externalData = await externalDataFor(store, stored, 'unet');
    expect(externalData.map((f) => f.path)).toEqual(['weights.pb']);
    const session = await ort.InferenceSession.create(await store.readFile('ext-sd', 'unet/model.onnx'), { externalData });
    const out = await session.run({
      sample: new ort.Tensor('float32', new Float32Array(4 * 2 * 2), [1, 4, 2, 2]),
      timestep: new ort.Tensor('int64', BigInt64Array.of(1n), [1]),
      encoder_hidden_states: new ort.Tensor('float32', new Float32Array(77 * 32), [1, 77, 32]),
    });
    expect(out.out_sample.data[0]).toBe(0.5);
    await session.release();

    await writeFile(join(tmp, 'store/ext-sd/unet/weights.pb'), new Uint8Array(4));
    await expect(externalDataFor(new FsModelStore([join(tmp, 'store')]), stored, 'unet')).rejects.toThrow(/^model "ext-sd" unet data \(unet\/weights\.pb\) is corrupt or changed/);
  });
});
