// Running the UNet of an SD export: inputs read from the model (timestep dtype and rank, fp16 or fp32),
// classifier-free guidance with cond and uncond batched in one run.
import { asFloat } from '../../src/runtime/half.ts';
import { openFor } from '../../src/models/contracts/contract.ts';
import { UNET } from '../../src/models/contracts/unet.ts';
import type { ModelManifest } from '../../src/runtime/manifest.ts';
import type { ModelInfo, Runtime } from '../../src/runtime/runtime.ts';
import type { Tensor } from '../../src/runtime/tensor.ts';

export interface Unet {
  info: ModelInfo;
  sampleDtype: string;
  timestep: { dtype: string; rank: number };
  /** Conditioning tokens the export fixes, if it does. */
  tokens?: number;
  /** Takes the mask and the masked image's latent after the latent (9 channels for SD). */
  inpainting: boolean;
}

export async function openUnet(runtime: Runtime, manifest: ModelManifest): Promise<Unet> {
  const { info, facts } = await openFor(runtime, manifest, UNET);
  return { info, sampleDtype: facts.sampleDtype, timestep: facts.timestep, tokens: facts.tokens, inpainting: facts.inpainting };
}

export function timestepTensor(unet: Unet, t: number): Tensor {
  const dims = unet.timestep.rank === 0 ? [] : [1];
  switch (unet.timestep.dtype) {
    case 'int64': return { dtype: 'int64', dims, data: BigInt64Array.of(BigInt(Math.round(t))) };
    case 'int32': return { dtype: 'int32', dims, data: Int32Array.of(Math.round(t)) };
    default: return asFloat({ dtype: 'float32', dims, data: Float32Array.of(t) }, unet.timestep.dtype);
  }
}

/** `n` copies of a [1, ...] tensor's data, or the data itself when it already has `n` rows. */
function rows(t: Tensor, n: number): Float32Array {
  const data = t.data as Float32Array;
  if (t.dims[0] === n) return data;
  if (t.dims[0] !== 1) throw new Error(`conditioning has batch ${t.dims[0]}, the latent has ${n}`);
  const out = new Float32Array(data.length * n);
  for (let i = 0; i < n; i++) out.set(data, i * data.length);
  return out;
}

export interface Guidance {
  positive: Tensor;
  negative?: Tensor;
  cfg: number;
  /**
   * Inpainting UNets: the channels after the latent, per batch item ([1 + c, h, w]: the mask at latent
   * size, then the masked image's latent), as diffusers concatenates them to the scaled model input.
   */
  inpaint?: Float32Array;
}

/** The latent [B, c, h, w] with `extra` ([k, h, w] per item) after each item's channels. */
function withChannels(sample: Float32Array, dims: number[], extra: Float32Array): { data: Float32Array; dims: number[] } {
  const [b, c, h, w] = dims;
  const plane = h * w;
  const k = extra.length / plane;
  const data = new Float32Array(b * (c + k) * plane);
  for (let n = 0; n < b; n++) {
    data.set(sample.subarray(n * c * plane, (n + 1) * c * plane), n * (c + k) * plane);
    data.set(extra, (n * (c + k) + c) * plane);
  }
  return { data, dims: [b, c + k, h, w] };
}

/** Refuses guidance the UNet cannot take: cfg without a negative prompt, a token count the export does not fix. */
export function checkGuidance(unet: Unet, g: Guidance): void {
  const guided = g.cfg !== 1;
  if (guided && !g.negative) throw new Error(`cfg ${g.cfg} needs a negative conditioning (wire a Text Encoder, even with an empty prompt), or set cfg to 1`);
  for (const c of guided ? [g.positive, g.negative!] : [g.positive]) {
    if (unet.tokens !== undefined && c.dims[1] !== unet.tokens) {
      throw new Error(`this UNet export takes ${unet.tokens} conditioning tokens, the prompt gives ${c.dims[1]} ` +
        `(${Math.ceil(c.dims[1] / 77)} chunks of 75 tokens): shorten it or drop BREAK, or use an export with a free sequence length`);
    }
  }
}

/** Whether cond and uncond share one batched run: prompts of different lengths (chunks of 75) cannot. */
export const batchable = (g: Guidance): boolean => g.cfg === 1 || g.negative!.dims[1] === g.positive.dims[1];

/** encoder_hidden_states for one batched run over `batch` latents: uncond rows first, then cond, as diffusers batches them. */
export function batchedContext(g: Guidance, batch: number): Tensor {
  const guided = g.cfg !== 1;
  const [, tokens, width] = g.positive.dims;
  const runs = guided ? 2 : 1;
  const context = new Float32Array(batch * tokens * width * runs);
  if (guided) {
    context.set(rows(g.negative!, batch));
    context.set(rows(g.positive, batch), batch * tokens * width);
  } else {
    context.set(rows(g.positive, batch));
  }
  return { dtype: 'float32', dims: [batch * runs, tokens, width], data: context };
}

/** The guided noise (or v) prediction for `sample` [B, C, h, w] at timestep t. */
export async function predict(
  runtime: Runtime, unet: Unet, sample: Float32Array, dims: number[], t: number, g: Guidance, signal: AbortSignal,
): Promise<Float32Array> {
  const batch = dims[0];
  const guided = g.cfg !== 1;
  checkGuidance(unet, g);
  // Prompts of different lengths cannot share a batch: the web UI then runs them one after the other.
  if (!batchable(g)) {
    const uncond = await predict(runtime, unet, sample, dims, t, { positive: g.negative!, cfg: 1, inpaint: g.inpaint }, signal);
    const cond = await predict(runtime, unet, sample, dims, t, { positive: g.positive, cfg: 1, inpaint: g.inpaint }, signal);
    return uncond.map((u, i) => u + g.cfg * (cond[i] - u));
  }
  const runs = guided ? 2 : 1;
  // One run for both halves: uncond first, then cond.
  const x = new Float32Array(sample.length * runs);
  const context = batchedContext(g, batch);
  x.set(sample);
  if (guided) x.set(sample, sample.length);
  if (unet.inpainting && !g.inpaint) throw new Error('this is an inpainting UNet (9 input channels): wire a mask and the masked image\'s latent into Denoise');
  if (!unet.inpainting && g.inpaint) throw new Error('masked_latent is for inpainting UNets (9 input channels); this UNet takes the latent alone');
  const input = g.inpaint ? withChannels(x, [batch * runs, ...dims.slice(1)], g.inpaint) : { data: x, dims: [batch * runs, ...dims.slice(1)] };
  const feeds = {
    sample: asFloat({ dtype: 'float32', dims: input.dims, data: input.data }, unet.sampleDtype),
    timestep: timestepTensor(unet, t),
    encoder_hidden_states: asFloat(context, unet.sampleDtype),
  };
  const out = asFloat((await runtime.run(unet.info, feeds, signal)).out_sample, 'float32').data as Float32Array;
  if (!guided) return out;
  const n = sample.length;
  const result = new Float32Array(n);
  for (let i = 0; i < n; i++) result[i] = out[i] + g.cfg * (out[n + i] - out[i]);
  return result;
}
