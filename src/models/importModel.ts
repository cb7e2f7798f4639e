// Turns a folder (an SD export) or one ONNX file into a manifest: every file recognised, hashed and given
// its role. File access goes through ImportSource, so the same code serves the CLI (disk) and the browser.
import { MODEL_FORMAT, type ModelFile, type ModelManifest } from '../runtime/manifest.ts';
import type { OpenedSession } from '../runtime/ort.ts';
import type { IoSpec } from '../runtime/runtime.ts';
import type { Tensor } from '../runtime/tensor.ts';
import { matchKnown, type KnownMatch } from './known.ts';
import { measureScale } from './contracts/imageModel.ts';
import { previewLatent } from './contracts/previewDecoder.ts';
import { recognize, type Recognized } from './recognize.ts';

/** A model file opened for recognition. */
export type OpenedModel = OpenedSession;

export interface ImportSource {
  /** The folder's or file's name: the id and title come from it. */
  name: string;
  /** Every file, by path relative to the model folder ('/' separated). */
  files: { path: string; bytes: number }[];
  read(path: string): Promise<Uint8Array>;
  sha256(path: string): Promise<string>;
  /** Opens an ONNX file with its external data; throws when it is not a loadable model. */
  open(path: string): Promise<OpenedModel>;
}

export interface Imported {
  manifest: ModelManifest;
  /** Known models the files match, e.g. 'text_encoder: sd15-onnx (by signature)'. */
  known: string[];
}

const SD_PARTS = ['text_encoder', 'unet', 'vae_decoder'] as const;
/** Parts an SD folder may have: the VAE encoder, for image to image and inpainting. */
const SD_OPTIONAL_PARTS = ['vae_encoder'] as const;
type SdPart = (typeof SD_PARTS)[number] | (typeof SD_OPTIONAL_PARTS)[number];
const CONFIG_ROLES: Record<string, string> = {
  'model_index.json': 'model_index',
  'scheduler/scheduler_config.json': 'scheduler_config',
  'tokenizer/tokenizer_config.json': 'tokenizer_config',
  'tokenizer/special_tokens_map.json': 'tokenizer_special_tokens',
  'text_encoder/config.json': 'text_encoder_config',
  'unet/config.json': 'unet_config',
  'vae_decoder/config.json': 'vae_decoder_config',
  'vae_encoder/config.json': 'vae_encoder_config',
};
const PROBE = 8;

/** Weights stored beside a model (weights.pb, model.onnx_data, ...): anything but models, configs and docs. */
export function isExternalData(path: string): boolean {
  const name = path.split('/').at(-1)!;
  return !name.startsWith('.') && !/\.(onnx|json|txt|md|png|jpe?g|webp|py|ya?ml)$/i.test(name);
}

export function idFromName(name: string): string {
  const id = name.replace(/\.onnx$/i, '').toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '');
  return id || 'model';
}

export async function importModel(src: ImportSource, options: { id?: string; source?: string } = {}): Promise<Imported> {
  const isSd = src.files.some((f) => f.path === 'unet/model.onnx' || f.path === 'model_index.json');
  const draft = isSd ? await importSd(src) : await importSingle(src);
  const files: ModelFile[] = [];
  for (const { role, path } of draft.files) {
    const bytes = src.files.find((f) => f.path === path)!.bytes;
    files.push({ role, path, sha256: await src.sha256(path), bytes });
  }
  // A single file fetched from a URL keeps it, so a graph using it can say where to get it.
  if (files.length === 1 && options.source && /^https?:\/\//.test(options.source)) files[0].url = options.source;
  const manifest: ModelManifest = {
    format: MODEL_FORMAT, version: 1, id: options.id ?? idFromName(src.name), title: src.name.replace(/\.onnx$/i, ''),
    kind: draft.kind, source: options.source ?? 'local', files, ...draft.extra,
  };
  return { manifest, known: draft.known.map(describeMatch) };
}

interface Draft {
  kind: ModelManifest['kind'];
  files: { role: string; path: string }[];
  extra: Partial<ModelManifest>;
  known: { role: string; match: KnownMatch }[];
}

async function importSd(src: ImportSource): Promise<Draft> {
  const has = (path: string) => src.files.some((f) => f.path === path);
  for (const path of [...SD_PARTS.map((p) => `${p}/model.onnx`), 'tokenizer/vocab.json', 'tokenizer/merges.txt']) {
    if (!has(path)) throw new Error(`${src.name}: a Stable Diffusion folder needs ${path}, and it is missing`);
  }
  const files: Draft['files'] = [];
  const known: Draft['known'] = [];
  const parts: Partial<Record<SdPart, Recognized>> = {};
  for (const part of [...SD_PARTS, ...SD_OPTIONAL_PARTS.filter((p) => has(`${p}/model.onnx`))]) {
    const path = `${part}/model.onnx`;
    const { rec, io } = await inspect(src, path);
    if (rec.role !== part) throw new Error(`${path}: is a ${rec.title}, not a ${part.replace('_', ' ')}`);
    parts[part] = rec;
    files.push({ role: part, path });
    // External data: whatever else sits beside the model that is not its config.
    for (const f of src.files.filter((f) => f.path.startsWith(`${part}/`) && !f.path.slice(part.length + 1).includes('/') && isExternalData(f.path))) {
      files.push({ role: `${part}_data`, path: f.path });
    }
    const match = matchKnown(part, io.inputs, io.outputs, { bytes: size(src, path), sha256: await src.sha256(path) });
    if (match) known.push({ role: part, match });
  }
  files.push({ role: 'tokenizer_vocab', path: 'tokenizer/vocab.json' }, { role: 'tokenizer_merges', path: 'tokenizer/merges.txt' });
  for (const [path, role] of Object.entries(CONFIG_ROLES)) if (has(path)) files.push({ role, path });

  const { text_encoder: te, unet, vae_decoder: vae } = parts as Required<typeof parts>;
  const encoder = parts.vae_encoder;
  if (encoder?.latentChannels && unet.latentChannels && encoder.latentChannels !== unet.latentChannels) {
    throw new Error(`vae_encoder/model.onnx makes ${encoder.latentChannels} latent channels, but unet/model.onnx takes ${unet.latentChannels}`);
  }
  if (te.hiddenSize && unet.hiddenSize && te.hiddenSize !== unet.hiddenSize) {
    throw new Error(`text_encoder/model.onnx gives ${te.hiddenSize}-wide embeddings, but unet/model.onnx takes ${unet.hiddenSize}: they are from different models`);
  }
  if (vae.latentChannels && unet.latentChannels && vae.latentChannels !== unet.latentChannels) {
    throw new Error(`vae_decoder/model.onnx takes ${vae.latentChannels} latent channels, but unet/model.onnx makes ${unet.latentChannels}`);
  }
  const vaeConfig = await json(src, 'vae_decoder/config.json');
  const unetConfig = await json(src, 'unet/config.json');
  const tokenizerConfig = await json(src, 'tokenizer/tokenizer_config.json');
  const channels = unet.latentChannels ?? vae.latentChannels ?? 4;
  const extra: Partial<ModelManifest> = {
    latent: { channels, downscale: 8, scalingFactor: num(vaeConfig.scaling_factor) ?? 0.18215 },
  };
  const side = num(vaeConfig.sample_size) ?? (num(unetConfig.sample_size) !== undefined ? num(unetConfig.sample_size)! * 8 : undefined);
  if (side) extra.image = { width: side, height: side };
  const hiddenSize = te.hiddenSize ?? unet.hiddenSize;
  if (hiddenSize) extra.conditioning = { maxLength: te.maxLength ?? num(tokenizerConfig.model_max_length) ?? 77, hiddenSize };
  return { kind: 'stable-diffusion', files, extra, known };
}

async function importSingle(src: ImportSource): Promise<Draft> {
  const models = src.files.filter((f) => f.path.toLowerCase().endsWith('.onnx'));
  if (models.length !== 1) {
    throw new Error(`${src.name}: expected one .onnx file or a Stable Diffusion folder (with unet/model.onnx); found ${models.length ? models.map((f) => f.path).join(', ') : 'no .onnx file'}`);
  }
  const path = models[0].path;
  const { rec, io, scale } = await inspect(src, path, true);
  if (rec.role === 'text_encoder' || rec.role === 'unet' || rec.role === 'vae_encoder') {
    throw new Error(`${src.name}: is a ${rec.title}, one part of a Stable Diffusion model; add the whole folder (text_encoder/, unet/, vae_decoder/, tokenizer/)`);
  }
  const role = rec.role === 'image' || rec.role === 'gan' ? 'model' : rec.role;
  const files = [{ role, path }, ...src.files.filter((f) => !f.path.includes('/') && isExternalData(f.path)).map((f) => ({ role: `${role}_data`, path: f.path }))];
  const match = matchKnown(role, io.inputs, io.outputs, { bytes: size(src, path), sha256: await src.sha256(path) });
  const known = match ? [{ role, match }] : [];
  if (rec.role === 'image') {
    const extra: Partial<ModelManifest> = scale! > 1 ? { upscaler: { scale: scale!, range: match?.model.upscaler?.range ?? [0, 1] } } : {};
    return { kind: scale! > 1 ? 'upscaler' : 'onnx', files, extra, known };
  }
  if (rec.role === 'gan') {
    const shape = io.outputs[0].shape ?? [];
    const extra: Partial<ModelManifest> = { gan: { zDim: rec.zDim!, range: [-1, 1], ...(rec.truncation ? { truncationInput: rec.truncation } : {}) } };
    if (typeof shape[2] === 'number' && typeof shape[3] === 'number') extra.image = { width: shape[3], height: shape[2] };
    return { kind: 'gan', files, extra, known };
  }
  // A lone VAE decoder (e.g. TAESD): a preview decoder, with the latent facts it needs.
  return { kind: 'preview-decoder', files, extra: { latent: previewLatent(rec, match) }, known };
}

/** Opens and recognises one ONNX file; for image models, also its scale (by a probe run when dims are free). */
async function inspect(src: ImportSource, path: string, probe = false): Promise<{ rec: Recognized; io: { inputs: IoSpec[]; outputs: IoSpec[] }; scale?: number }> {
  const model = await src.open(path);
  try {
    const absurd = absurdShape(model.inputs, model.outputs);
    if (absurd) throw new Error(`${path}: refused: ${absurd}`);
    const rec = recognize(model.inputs, model.outputs);
    if (!rec.ok) throw new Error(`${path}: ${rec.reason}`);
    let scale = rec.scale ?? undefined;
    if (probe && rec.role === 'image' && scale === undefined) {
      // Bounded in time here too: in the browser the probe runs in the engine's worker, with no process around it.
      const run = (feeds: Record<string, Tensor>) => withinTime(model.run(feeds), PROBE_MS, `${path}: refused: running it on a small input took longer than ${PROBE_MS / 1000} s`);
      scale = await measureScale(run, { precision: 'fp32', input: rec.input, output: rec.output, scale: null, tile: rec.tile }, path, PROBE);
    }
    return { rec, io: { inputs: model.inputs, outputs: model.outputs }, scale };
  } finally {
    await model.close();
  }
}

/** No model this app runs takes or makes a value of more than 2^30 numbers (4 GiB as float32). */
const MAX_DECLARED_VALUES = 2 ** 30;
const PROBE_MS = 30_000;

/** Why a fully declared input or output shape is too large to be real, or null. */
export function absurdShape(inputs: IoSpec[], outputs: IoSpec[]): string | null {
  for (const [v, kind] of [...inputs.map((v) => [v, 'input'] as const), ...outputs.map((v) => [v, 'output'] as const)]) {
    if (!v.shape || !v.shape.every((d) => typeof d === 'number')) continue;
    const values = (v.shape as number[]).reduce((n, d) => n * Math.max(1, d), 1);
    if (values > MAX_DECLARED_VALUES) {
      return `its ${kind} "${v.name.length > 40 ? `${v.name.slice(0, 40)}…` : v.name}" is declared as [${v.shape.join(', ')}], ${(values / 1e9).toFixed(1)} billion values; `
        + `no model this app runs takes or makes more than ${(MAX_DECLARED_VALUES / 1e9).toFixed(1)} billion`;
    }
  }
  return null;
}

function withinTime<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const late = new Promise<never>((_, reject) => { timer = setTimeout(() => reject(new Error(message)), ms); });
  return Promise.race([work, late]).finally(() => clearTimeout(timer));
}

async function json(src: ImportSource, path: string): Promise<Record<string, unknown>> {
  if (!src.files.some((f) => f.path === path)) return {};
  try {
    return JSON.parse(new TextDecoder().decode(await src.read(path))) as Record<string, unknown>;
  } catch (e) {
    throw new Error(`${path}: not valid JSON (${(e as Error).message})`);
  }
}

function num(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) && v > 0 ? v : undefined;
}

function size(src: ImportSource, path: string): number {
  return src.files.find((f) => f.path === path)!.bytes;
}

function describeMatch({ role, match }: { role: string; match: KnownMatch }): string {
  return `${role}: ${match.model.id} (${match.exact ? 'sha256 matches' : 'by signature'}) - ${match.model.title}`;
}
