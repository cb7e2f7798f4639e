// The structural shape of the current document version. Semantic checks live in validate.ts.
import { z } from 'zod';
import { GRAPH_FORMAT, GRAPH_VERSION } from './types.ts';

const id = z.string().min(1, 'must not be empty').max(200);
const portRef = z.object({ node: id, port: id });

export const graphSchemaV1 = z.object({
  format: z.literal(GRAPH_FORMAT),
  version: z.literal(GRAPH_VERSION),
  nodes: z.array(z.object({
    id,
    type: id,
    version: z.number().int().min(1),
    position: z.object({ x: z.number(), y: z.number() }),
    params: z.record(z.string(), z.unknown()).default({}),
    title: z.string().max(200).optional(),
    bypass: z.boolean().optional(),
  })),
  edges: z.array(z.object({ id, from: portRef, to: portRef })),
  models: z.record(z.string(), z.object({
    id,
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'must be 64 lower-case hex digits').optional(),
    url: z.string().optional(),
    bytes: z.number().int().min(0).optional(),
  })).optional(),
  viewport: z.object({ x: z.number(), y: z.number(), zoom: z.number().positive() }).optional(),
  groups: z.array(z.object({
    id,
    title: z.string().max(200),
    color: z.string().max(32),
    position: z.object({ x: z.number(), y: z.number() }),
    width: z.number().positive(),
    height: z.number().positive(),
  })).optional(),
});
