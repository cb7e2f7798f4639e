import { cp, mkdtemp, readFile, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseManifest } from '../runtime/manifest.ts';
import { importModel } from './importModel.ts';
import { diskSource } from './nodeSource.ts';
import { fakeOnnx } from '../../test/onnxBuilder.ts';

const testModels = fileURLToPath(new URL('../../models/test/', import.meta.url));

/** A copy of a shipped test model without its manifest, as a user's download would arrive. */
async function copyWithoutManifest(name: string): Promise<string> {
  const dir = join(await mkdtemp(join(tmpdir(), 'loom-import-')), name);
  await cp(join(testModels, name), dir, { recursive: true });
  await rm(join(dir, 'manifest.json'));
  return dir;
}

describe('importModel', () => {
  it('an SD folder gives the shipped manifest: the same files, roles and hashes, latents and conditioning', async () => {
    const dir = await copyWithoutManifest('tiny-sd');
    const shipped = parseManifest(JSON.parse(await readFile(join(testModels, 'tiny-sd/manifest.json'), 'utf8')), 'shipped');
    const { manifest } = await importModel(await diskSource(dir));
    expect(manifest).toMatchObject({ id: 'tiny-sd', kind: 'stable-diffusion', source: 'local', image: shipped.image, conditioning: shipped.conditioning });
    const { rgbMap: _m, rgbBias: _b, ...latent } = shipped.latent!;
    expect(manifest.latent).toEqual(latent);
    for (const f of shipped.files) expect(manifest.files).toContainEqual(f);
    // Beyond the shipped list: the configs the scheduler and tokenizer read, so verify covers them too.
    expect(manifest.files.filter((f) => !shipped.files.some((s) => s.path === f.path)).map((f) => f.role).sort()).toEqual([
      'model_index', 'scheduler_config', 'tokenizer_config', 'tokenizer_special_tokens', 'unet_config', 'vae_decoder_config', 'vae_encoder_config',
    ]);
    expect(manifest.files.find((f) => f.role === 'vae_encoder')?.path).toBe('vae_encoder/model.onnx');
  });

  it('the VAE encoder is optional in an SD folder, and refused on its own', async () => {
    const dir = await copyWithoutManifest('tiny-sd');
    await rm(join(dir, 'vae_encoder'), { recursive: true });
    const { manifest } = await importModel(await diskSource(dir));
    expect(manifest.files.map((f) => f.role)).not.toContain('vae_encoder');
    await expect(importModel(await diskSource(join(testModels, 'tiny-sd/vae_encoder/model.onnx')))).rejects.toThrow(
      'vae_encoder: is a VAE encoder, one part of a Stable Diffusion model; add the whole folder',
    );
  });

  it('an inpainting SD folder (9-channel UNet) imports with 4 latent channels', async () => {
    const { manifest } = await importModel(await diskSource(await copyWithoutManifest('tiny-sd-inpaint')));
    expect(manifest).toMatchObject({ kind: 'stable-diffusion', latent: { channels: 4 } });
  });

  it('single files: the upscaler\'s scale by a probe run, the GAN\'s z size and image size', async () => {
    const up = await importModel(await diskSource(join(testModels, 'tiny-upscaler/model.onnx')), { source: 'https://example.org/up.onnx' });
    expect(up.manifest).toMatchObject({ id: 'tiny-upscaler', kind: 'upscaler', upscaler: { scale: 2, range: [0, 1] }, source: 'https://example.org/up.onnx' });
    expect(up.manifest.files[0].url).toBe('https://example.org/up.onnx');
    const gan = await importModel(await diskSource(join(testModels, 'tiny-gan')));
    expect(gan.manifest).toMatchObject({ kind: 'gan', gan: { zDim: 16, range: [-1, 1] }, image: { width: 16, height: 16 } });
    const conv = await importModel(await diskSource(join(testModels, 'conv-net')));
    expect(conv.manifest.kind).toBe('onnx'); // scale 1: a filter, not an upscaler
    const decoder = await importModel(await diskSource(join(testModels, 'tiny-sd/vae_decoder/model.onnx')));
    expect(decoder.manifest).toMatchObject({ id: 'vae-decoder', kind: 'preview-decoder', files: [{ role: 'vae_decoder' }], latent: { channels: 4, scalingFactor: 0.18215 } });
    await expect(importModel(await diskSource(join(testModels, 'tiny-sd/unet/model.onnx')))).rejects.toThrow(
      'unet: is a UNet, one part of a Stable Diffusion model; add the whole folder (text_encoder/, unet/, vae_decoder/, tokenizer/)',
    );
  });

  it('a GAN with a psi input records it as its truncation input; one with an unknown extra input is refused, naming it', async () => {
    const { manifest } = await importModel(await diskSource(await copyWithoutManifest('tiny-gan-psi')));
    expect(manifest).toMatchObject({ kind: 'gan', image: { width: 16, height: 16 } });
    // No psi suggestion: only the model's makers know one.
    expect(manifest.gan).toEqual({ zDim: 16, range: [-1, 1], truncationInput: 'psi' });
    const dir = await mkdtemp(join(tmpdir(), 'loom-import-'));
    // Its output is z itself (a fake): the extra input is refused before the output is looked at.
    await writeFile(join(dir, 'conditional-gan.onnx'), fakeOnnx(
      [{ name: 'z', dtype: 'float32', shape: ['batch', 64] }, { name: 'class_label', dtype: 'int64', shape: ['batch'] }],
      [{ name: 'image', dtype: 'float32', shape: ['batch', 64] }],
    ));
    await expect(importModel(await diskSource(join(dir, 'conditional-gan.onnx')))).rejects.toThrow(
      'conditional-gan.onnx: looks like a GAN generator ([B,n] in) but has an extra input "class_label" int64 [batch] that no node feeds',
    );
  });

  it('a TAESD-shaped decoder is a preview decoder, named by known.json\'s signature, with its scaling factor of 1', async () => {
    const path = join(testModels, 'tiny-taesd/vae_decoder/model.onnx');
    const { manifest, known } = await importModel(await diskSource(path));
    expect(known).toEqual(['vae_decoder: taesd-decoder (by signature) - TAESD decoder (tiny preview VAE for SD 1.x/2.x latents)']);
    expect(manifest).toMatchObject({ kind: 'preview-decoder', latent: { channels: 4, downscale: 8, scalingFactor: 1 } });
    const shipped = parseManifest(JSON.parse(await readFile(join(testModels, 'tiny-taesd/manifest.json'), 'utf8')), 'shipped');
    expect(manifest.files).toEqual([{ ...shipped.files[0], path: 'model.onnx' }]);
    expect(manifest.latent).toEqual(shipped.latent);
  });

  it('refuses a truncated file with a clear message', async () => {
    const dir = await copyWithoutManifest('tiny-sd');
    await truncate(join(dir, 'unet/model.onnx'), 4000);
    await expect(importModel(await diskSource(dir))).rejects.toThrow(
      /^unet\/model\.onnx: not a loadable ONNX model \(truncated, corrupt or missing its external data\): /,
    );
  });

  it('refuses a UNet whose timestep dtype no node can feed, naming the input', async () => {
    const dir = await copyWithoutManifest('tiny-sd');
    await writeFile(join(dir, 'unet/model.onnx'), fakeOnnx(
      [{ name: 'sample', dtype: 'float32', shape: ['batch', 4, 'h', 'w'] }, { name: 'timestep', dtype: 'int8', shape: [1] },
        { name: 'encoder_hidden_states', dtype: 'float32', shape: ['batch', 77, 32] }],
      [{ name: 'out_sample', dtype: 'float32', shape: ['batch', 4, 'h', 'w'] }],
    ));
    await expect(importModel(await diskSource(dir))).rejects.toThrow(
      'unet/model.onnx: looks like a UNet but input "timestep" is int8; expected int64, int32, float32 or float16',
    );
  });

  it('refuses parts from different models and folders missing a part', async () => {
    const dir = await copyWithoutManifest('tiny-sd');
    await writeFile(join(dir, 'unet/model.onnx'), fakeOnnx(
      [{ name: 'sample', dtype: 'float32', shape: ['batch', 4, 'h', 'w'] }, { name: 'timestep', dtype: 'int64', shape: [1] },
        { name: 'encoder_hidden_states', dtype: 'float32', shape: ['batch', 77, 768] }],
      [{ name: 'out_sample', dtype: 'float32', shape: ['batch', 4, 'h', 'w'] }],
    ));
    await expect(importModel(await diskSource(dir))).rejects.toThrow(
      'text_encoder/model.onnx gives 32-wide embeddings, but unet/model.onnx takes 768: they are from different models',
    );
    await rm(join(dir, 'vae_decoder'), { recursive: true });
    await expect(importModel(await diskSource(dir))).rejects.toThrow('tiny-sd: a Stable Diffusion folder needs vae_decoder/model.onnx, and it is missing');
  });

  it('keeps external data files beside a part under <part>_data', async () => {
    const dir = await copyWithoutManifest('tiny-sd');
    // The tiny UNet needs no external data; an extra file still shows where such weights go.
    await writeFile(join(dir, 'unet/weights.pb'), new Uint8Array(16));
    const { manifest } = await importModel(await diskSource(dir));
    expect(manifest.files.find((f) => f.path === 'unet/weights.pb')).toMatchObject({ role: 'unet_data', bytes: 16 });
  });
});
