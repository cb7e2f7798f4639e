// The manifest every model folder carries: what it is, its files by role, and the numbers nodes need.
import { z } from 'zod';
import { sha256Hex } from './sha256.ts';

export const MODEL_FORMAT = 'latent-loom/model';

const fileEntry = z.object({
  role: z.string(),
  path: z.string(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  bytes: z.number().int().min(0),
  url: z.string().optional(),
});

export const manifestSchema = z.object({
  format: z.literal(MODEL_FORMAT),
  version: z.literal(1),
  id: z.string().min(1),
  title: z.string(),
  kind: z.enum(['stable-diffusion', 'upscaler', 'gan', 'preview-decoder', 'test', 'onnx']),
  license: z.string().optional(),
  source: z.string().optional(),
  files: z.array(fileEntry).min(1),
  latent: z.object({
    channels: z.number().int().positive(),
    downscale: z.number().int().positive(),
    scalingFactor: z.number().positive(),
    rgbMap: z.array(z.array(z.number()).length(3)).optional(),
    rgbBias: z.array(z.number()).length(3).optional(),
  }).optional(),
  image: z.object({ width: z.number().int().positive(), height: z.number().int().positive() }).optional(),
  upscaler: z.object({ scale: z.number().int().positive(), range: z.tuple([z.number(), z.number()]).optional() }).optional(),
  gan: z.object({
    zDim: z.number().int().positive(),
    range: z.tuple([z.number(), z.number()]).optional(),
    /** The generator's float32 [1] input that takes truncation psi (it moves w toward its mean w). */
    truncationInput: z.string().min(1).optional(),
    /** The truncation psi its makers suggest. */
    psi: z.number().min(0).max(2).optional(),
    /** A class-conditional generator's int64 or int32 [B] input that takes each image's class index. */
    labelInput: z.string().min(1).optional(),
    /** Its classes in index order, each by its names (the first is its title): what the node's subject matches. */
    classes: z.array(z.array(z.string().min(1).max(200)).min(1).max(32)).min(1).max(100_000).optional(),
  }).refine((g) => (g.labelInput === undefined) === (g.classes === undefined), { message: 'labelInput and classes go together: a class-conditional generator needs both' }).optional(),
  conditioning: z.object({ maxLength: z.number().int().positive(), hiddenSize: z.number().int().positive() }).optional(),
});

export type ModelManifest = z.infer<typeof manifestSchema>;
export type ModelFile = ModelManifest['files'][number];

/** SD 1.x/2.x's latent layout, for a model whose manifest states none (or no model wired). */
const SD_LATENT = { channels: 4, downscale: 8, scalingFactor: 0.18215 } as const;

/** A model's latent channels, downscale and scaling factor: its manifest's, else SD's. */
export function latentLayout(manifest: ModelManifest | undefined): { channels: number; downscale: number; scalingFactor: number } {
  return manifest?.latent ?? SD_LATENT;
}

export function parseManifest(json: unknown, where: string): ModelManifest {
  const r = manifestSchema.safeParse(json);
  if (!r.success) {
    const first = r.error.issues[0];
    throw new Error(`model manifest ${where}: ${first.path.join('.') || 'document'}: ${first.message}`);
  }
  return r.data;
}

export function fileByRole(manifest: ModelManifest, role: string): ModelFile {
  const file = manifest.files.find((f) => f.role === role);
  if (!file) {
    throw new Error(`model "${manifest.id}" has no "${role}" file (it has: ${manifest.files.map((f) => f.role).join(', ')})`);
  }
  return file;
}

/** Bytes of all a model's files. */
export function modelBytes(manifest: ModelManifest): number {
  return manifest.files.reduce((sum, f) => sum + f.bytes, 0);
}

/**
 * One hash for a whole model: a one-file model's own sha256, else the sha256 of its files'
 * "path sha256" lines sorted by path, so it changes when any file does.
 */
export async function modelHash(manifest: ModelManifest): Promise<string> {
  if (manifest.files.length === 1) return manifest.files[0].sha256;
  const lines = [...manifest.files].sort((a, b) => a.path.localeCompare(b.path)).map((f) => `${f.path} ${f.sha256}\n`);
  return sha256Hex(new TextEncoder().encode(lines.join('')));
}

/** The error every model store gives for an id it does not hold. */
export function unknownModel(id: string, known: Iterable<string>): Error {
  return new Error(`unknown model "${id}" (known: ${[...known].join(', ') || 'none'})`);
}
