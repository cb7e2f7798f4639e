import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { IoSpec } from '../runtime/runtime.ts';
import { fitGenerator } from './contracts/gan.ts';
import { KNOWN_MODELS, matchKnown } from './known.ts';
import { openOnnx } from './nodeSource.ts';
import { recognize } from './recognize.ts';

const io = (name: string, dtype: string, shape: (number | string)[] | null): IoSpec => ({ name, dtype, shape });
const testModel = (p: string) => fileURLToPath(new URL(`../../models/test/${p}`, import.meta.url));

// SD 1.5 as diffusers' ONNX conversion script exports it.
const sd15Unet = {
  inputs: [
    io('sample', 'float32', ['batch', 'channels', 'height', 'width']),
    io('timestep', 'int64', ['batch']),
    io('encoder_hidden_states', 'float32', ['batch', 'sequence', 768]),
  ],
  outputs: [io('out_sample', 'float32', ['a', 'b', 'c', 'd'])],
};

describe('recognize, on the models the project ships', () => {
  const cases: [string, object][] = [
    ['tiny-sd/text_encoder/model.onnx', { role: 'text_encoder', precision: 'fp32', hiddenSize: 32, maxLength: 77 }],
    ['tiny-sd/unet/model.onnx', { role: 'unet', latentChannels: 4, hiddenSize: 32, timestep: { dtype: 'int64', rank: 1 } }],
    ['tiny-sd-float-timestep/unet/model.onnx', { role: 'unet', timestep: { dtype: 'float32', rank: 0 } }],
    ['tiny-sd-inpaint/unet/model.onnx', { role: 'unet', latentChannels: 4, inpainting: true }],
    ['tiny-sd/vae_decoder/model.onnx', { role: 'vae_decoder', latentChannels: 4 }],
    // Channels left symbolic by the export (4 and 8): the node tells the two forms apart by the output it gets.
    ['tiny-sd/vae_encoder/model.onnx', { role: 'vae_encoder', output: 'latent_sample' }],
    ['tiny-sd-float-timestep/vae_encoder/model.onnx', { role: 'vae_encoder', output: 'latent_sample' }],
    ['tiny-sd-fp16/text_encoder/model.onnx', { role: 'text_encoder', precision: 'fp16', hiddenSize: 32 }],
    ['tiny-sd-fp16/unet/model.onnx', { role: 'unet', precision: 'fp16', timestep: { dtype: 'int64', rank: 1 } }],
    ['tiny-sd-fp16/vae_decoder/model.onnx', { role: 'vae_decoder', precision: 'fp16', latentChannels: 4 }],
    ['tiny-upscaler/model.onnx', { role: 'image', input: 'input', output: 'output', scale: null }],
    ['conv-net/model.onnx', { role: 'image', scale: null }],
    ['tiny-gan/model.onnx', { role: 'gan', input: 'z', output: 'image', zDim: 16 }],
    ['tiny-gan-psi/model.onnx', { role: 'gan', input: 'z', output: 'image', zDim: 16, truncation: 'psi' }],
  ];
  it.each(cases)('%s', async (path, expected) => {
    const model = await openOnnx(testModel(path), path);
    try {
      expect(recognize(model.inputs, model.outputs)).toMatchObject({ ok: true, ...expected });
    } finally {
      await model.close();
    }
  });
});

describe('recognize, on signatures of public exports and broken ones', () => {
  it('an SD 1.5 UNet: int64 [batch] timestep, 768-wide text embeddings, and the known export it matches', () => {
    expect(recognize(sd15Unet.inputs, sd15Unet.outputs)).toMatchObject({
      ok: true, role: 'unet', precision: 'fp32', hiddenSize: 768, timestep: { dtype: 'int64', rank: 1 },
    });
    expect(matchKnown('unet', sd15Unet.inputs, sd15Unet.outputs, { bytes: 776_000 })?.model.id).toBe('sd15-onnx');
    expect(matchKnown('unet', sd15Unet.inputs, sd15Unet.outputs, { bytes: 50_000_000 })).toBeNull();
  });

  it('an SD-Turbo UNet and text encoder (1024 wide, optimum dim names) match the SD-Turbo entry', () => {
    const inputs = [
      io('sample', 'float32', ['batch_size', 'num_channels', 'height', 'width']),
      io('timestep', 'int64', ['steps']),
      io('encoder_hidden_states', 'float32', ['batch_size', 'sequence_length', 1024]),
    ];
    const outputs = [io('out_sample', 'float32', ['batch_size', 'num_channels', 'height', 'width'])];
    expect(recognize(inputs, outputs)).toMatchObject({ ok: true, role: 'unet', hiddenSize: 1024 });
    expect(matchKnown('unet', inputs, outputs, {})?.model.id).toBe('sd-turbo-ort-web');
    const te = { inputs: [io('input_ids', 'int32', ['batch_size', 'sequence_length'])], outputs: [io('last_hidden_state', 'float32', ['batch_size', 'sequence_length', 1024]), io('pooler_output', 'float32', ['batch_size', 1024])] };
    expect(recognize(te.inputs, te.outputs)).toMatchObject({ ok: true, role: 'text_encoder', hiddenSize: 1024 });
  });

  it('fp16 exports, with a float16 scalar timestep', () => {
    const r = recognize(
      [io('sample', 'float16', [2, 4, 64, 64]), io('timestep', 'float16', []), io('encoder_hidden_states', 'float16', [2, 77, 768])],
      [io('out_sample', 'float16', [2, 4, 64, 64])],
    );
    expect(r).toMatchObject({ ok: true, role: 'unet', precision: 'fp16', timestep: { dtype: 'float16', rank: 0 } });
    expect(recognize([io('latent_sample', 'float16', [1, 4, 64, 64])], [io('sample', 'float16', [1, 3, 512, 512])])).toMatchObject({ ok: true, role: 'vae_decoder', precision: 'fp16' });
  });

  it('Real-ESRGAN x4 with dynamic dims needs a probe; with fixed dims the scale is read off them', () => {
    expect(recognize([io('input', 'float32', [1, 3, 'h', 'w'])], [io('output', 'float32', [1, 3, 'h4', 'w4'])])).toMatchObject({ ok: true, role: 'image', scale: null });
    expect(recognize([io('image', 'float32', [1, 3, 128, 128])], [io('upscaled_image', 'float32', [1, 3, 512, 512])])).toMatchObject({ ok: true, role: 'image', scale: 4, tile: [128, 128] });
  });

  it('names the input whose dtype differs', () => {
    const inputs = sd15Unet.inputs.map((i) => (i.name === 'timestep' ? io('timestep', 'int8', [1]) : i));
    expect(recognize(inputs, sd15Unet.outputs)).toEqual({
      ok: false, nearest: 'unet', reason: 'looks like a UNet but input "timestep" is int8; expected int64, int32, float32 or float16',
    });
  });

  it('names a missing input, a wrong rank, an extra SDXL input', () => {
    const missing = recognize(sd15Unet.inputs.filter((i) => i.name !== 'encoder_hidden_states'), sd15Unet.outputs);
    expect(missing).toMatchObject({ ok: false, nearest: 'unet' });
    expect((missing as { reason: string }).reason).toMatch(/^looks like a UNet but has no input "encoder_hidden_states" \(its inputs: sample float32/);
    expect(recognize([io('input_ids', 'int64', [1, 77, 1])], [io('last_hidden_state', 'float32', [1, 77, 768])])).toMatchObject({
      ok: false, reason: 'looks like a text encoder but input "input_ids" has rank 3 [1, 77, 1]; expected rank 2',
    });
    expect(recognize([...sd15Unet.inputs, io('text_embeds', 'float32', [1, 1280])], sd15Unet.outputs)).toMatchObject({
      ok: false, reason: 'looks like a UNet but has an extra input "text_embeds" that no node feeds (SDXL-style UNets are not supported)',
    });
  });

  it('recognises VAE encoders: the latent, or its mean and log-variance (8 channels, under either name)', () => {
    expect(recognize([io('sample', 'float32', ['batch', 3, 'height', 'width'])], [io('latent_sample', 'float32', ['batch', 4, 'h', 'w'])]))
      .toEqual({ ok: true, role: 'vae_encoder', title: 'VAE encoder', precision: 'fp32', input: 'sample', output: 'latent_sample', latentChannels: 4 });
    expect(recognize([io('sample', 'float16', [1, 3, 512, 512])], [io('latent_parameters', 'float16', [1, 8, 64, 64])]))
      .toMatchObject({ ok: true, role: 'vae_encoder', precision: 'fp16', output: 'latent_parameters', latentChannels: 4 });
    expect(recognize([io('sample', 'float32', [1, 3, 64, 64])], [io('latent_sample', 'float32', [1, 8, 8, 8])]))
      .toMatchObject({ ok: true, role: 'vae_encoder', latentChannels: 4 });
    expect(recognize([io('sample', 'float32', [1, 1, 64, 64])], [io('latent_sample', 'float32', [1, 4, 8, 8])]))
      .toMatchObject({ ok: false, nearest: 'vae_encoder', reason: 'looks like a VAE encoder but input "sample" has 1 channels; expected 3 (RGB)' });
  });

  it('refuses image models that are not float32 RGB, GANs without a fixed z, and strangers', () => {
    expect(recognize([io('input', 'float16', [1, 3, 'h', 'w'])], [io('output', 'float16', [1, 3, 'h', 'w'])])).toMatchObject({
      ok: false, nearest: 'image', reason: 'looks like an image model ([1,3,H,W] in) but input "input" is float16; expected float32',
    });
    expect(recognize([io('x', 'float32', [1, 1, 'h', 'w'])], [io('y', 'float32', [1, 1, 'h', 'w'])])).toMatchObject({ ok: false, reason: /input "x" has 1 channels; expected 3/ });
    expect(recognize([io('z', 'float32', ['b', 'n'])], [io('img', 'float32', ['b', 3, 64, 64])])).toMatchObject({ ok: false, nearest: 'gan', reason: /no fixed latent size/ });
    expect(recognize([io('a', 'int64', [3])], [io('b', 'int64', [3])])).toMatchObject({ ok: false, nearest: null, reason: /^fits no model contract \(inputs: a int64\[3\]; outputs: b int64\[3\]\)/ });
  });
});

describe('GAN generators with a truncation input', () => {
  const z = io('z', 'float32', ['batch', 64]);
  const image = [io('image', 'float32', ['batch', 3, 64, 64])];

  it('takes an extra float32 [1] input named psi, truncation or truncation_psi, in any place', () => {
    for (const name of ['psi', 'truncation', 'truncation_psi']) {
      expect(recognize([z, io(name, 'float32', [1])], image)).toMatchObject({ ok: true, role: 'gan', input: 'z', zDim: 64, truncation: name });
    }
    expect(recognize([io('psi', 'float32', [1]), z], image)).toMatchObject({ ok: true, role: 'gan', input: 'z', truncation: 'psi' });
    expect(recognize([z], image)).not.toHaveProperty('truncation');
  });

  it('refuses any other extra input, naming it, and a truncation input that is not float32 [1]', () => {
    const hint = 'that no node feeds; besides its latent, a GAN generator may take one float32 [1] truncation input, '
      + 'named "psi", "truncation" or "truncation_psi" or by gan.truncationInput in its manifest, '
      + 'and a class-conditional one an int64 or int32 [B] class input its manifest names in gan.labelInput, with its classes in gan.classes';
    expect(recognize([z, io('class_label', 'int64', [1])], image)).toEqual({
      ok: false, nearest: 'gan', reason: `looks like a GAN generator ([B,n] in) but has an extra input "class_label" int64 [1] ${hint}`,
    });
    expect(recognize([z, io('strength', 'float32', [1])], image)).toMatchObject({ ok: false, reason: /has an extra input "strength" float32 \[1\] that no node feeds/ });
    expect(recognize([z, io('psi', 'float32', [1]), io('noise', 'float32', ['batch', 3, 64, 64])], image)).toMatchObject({ ok: false, nearest: 'gan', reason: /has an extra input "noise" float32 \[batch, 3, 64, 64\]/ });
    expect(recognize([z, io('psi', 'float32', [2])], image)).toMatchObject({ ok: false, nearest: 'gan', reason: /truncation input "psi" is float32 \[2\]; expected float32 \[1\]$/ });
    expect(recognize([z, io('psi', 'float16', [1])], image)).toMatchObject({ ok: false, reason: /truncation input "psi" is float16 \[1\]; expected float32 \[1\]$/ });
  });

  it('a manifest may name the truncation input, whatever its name', () => {
    const io2 = { inputs: [z, io('strength', 'float32', [1])], outputs: image };
    expect(fitGenerator(io2, 'strength')).toMatchObject({ ok: true, facts: { input: 'z', truncation: 'strength' } });
    expect(fitGenerator({ inputs: [z], outputs: image }, 'psi')).toEqual({
      ok: false, reason: 'has no input "psi", which its manifest names as gan.truncationInput (its inputs: z float32[batch,64])',
    });
  });
});

describe('the known-models list', () => {
  const files = KNOWN_MODELS.flatMap((m) => m.files.filter((f) => f.signature).map((f) => [`${m.id} ${f.role}`, f] as const));
  it.each(files)('%s fits its contract and matches itself', (_, f) => {
    const sig = f.signature!;
    const r = recognize(sig.inputs, sig.outputs);
    expect(r).toMatchObject({ ok: true, role: f.role === 'model' ? 'image' : f.role });
    expect(matchKnown(f.role, sig.inputs, sig.outputs, { bytes: f.bytes ?? f.approxBytes ?? f.maxBytes, sha256: f.sha256 })?.file).toBe(f);
  });
});
