// The known-models list (models/known.json): public ONNX exports by their signatures, so a file dropped in
// from elsewhere is named. A match by sha256 is exact; one by signature (and size) says "looks like".
import { z } from 'zod';
import type { IoSpec } from '../runtime/runtime.ts';
import knownJson from '../../models/known.json';

const io = z.object({ name: z.string(), dtype: z.string(), shape: z.array(z.union([z.number(), z.string()])) });

const knownFile = z.object({
  role: z.string(),
  path: z.string(),
  url: z.string().optional(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/).optional(),
  bytes: z.number().int().positive().optional(),
  /** Sizes as a file list shows them ("198 MB"): matched within 10%. */
  approxBytes: z.number().int().positive().optional(),
  maxBytes: z.number().int().positive().optional(),
  signature: z.object({ inputs: z.array(io), outputs: z.array(io) }).optional(),
});

const knownModel = z.object({
  id: z.string(),
  title: z.string(),
  kind: z.enum(['stable-diffusion', 'upscaler', 'gan', 'preview-decoder', 'onnx']),
  source: z.string(),
  license: z.string().optional(),
  notes: z.string().optional(),
  latent: z.object({ channels: z.number(), downscale: z.number(), scalingFactor: z.number() }).optional(),
  upscaler: z.object({ scale: z.number().int().positive(), range: z.tuple([z.number(), z.number()]).optional() }).optional(),
  files: z.array(knownFile).min(1),
});

export const knownListSchema = z.object({
  format: z.literal('latent-loom/known-models'),
  version: z.literal(1),
  description: z.string().optional(),
  models: z.array(knownModel),
});

export type KnownModel = z.infer<typeof knownModel>;
export type KnownFile = z.infer<typeof knownFile>;

export const KNOWN_MODELS: KnownModel[] = knownListSchema.parse(knownJson).models;

export interface KnownMatch { model: KnownModel; file: KnownFile; exact: boolean }

/** The known model file this one is, by sha256 when the list has it, else by role, signature and size. */
export function matchKnown(
  role: string, inputs: IoSpec[], outputs: IoSpec[], file: { bytes?: number; sha256?: string },
  known: readonly KnownModel[] = KNOWN_MODELS,
): KnownMatch | null {
  for (const model of known) {
    for (const f of model.files) {
      if (f.sha256 && file.sha256 === f.sha256) return { model, file: f, exact: true };
    }
  }
  for (const model of known) {
    for (const f of model.files) {
      if (f.role !== role || !f.signature || f.sha256) continue;
      if (!sameSignature(f.signature.inputs, inputs) || !sameSignature(f.signature.outputs, outputs)) continue;
      if (file.bytes !== undefined && !sizeFits(f, file.bytes)) continue;
      return { model, file: f, exact: false };
    }
  }
  return null;
}

/** Every listed io is there with its dtype and rank; fixed dims must agree where both sides fix them. */
function sameSignature(want: z.infer<typeof io>[], have: IoSpec[]): boolean {
  return want.every((w) => {
    const h = have.find((x) => x.name === w.name);
    if (!h || h.dtype !== w.dtype) return false;
    if (!h.shape) return true;
    // '?' is any dim; another string is the exporter's symbolic name, which tells exports apart.
    return h.shape.length === w.shape.length && w.shape.every((d, i) => d === '?' || h.shape![i] === d);
  });
}

function sizeFits(f: KnownFile, bytes: number): boolean {
  if (f.bytes !== undefined && f.bytes !== bytes) return false;
  if (f.approxBytes !== undefined && Math.abs(bytes - f.approxBytes) > f.approxBytes * 0.1) return false;
  if (f.maxBytes !== undefined && bytes > f.maxBytes) return false;
  return true;
}
