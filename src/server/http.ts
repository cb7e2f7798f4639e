// The HTTP API of `latent-loom serve` (docs/openapi.yaml): submit a graph with overrides or a sweep, read a
// run's state, files and progress (server-sent events), cancel, list models. node:http only.
import { createHash, timingSafeEqual } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { lstat, readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { isIP } from 'node:net';
import type { Catalog } from '../graph/catalog.ts';
import { clip, describeValue, quote } from '../graph/text.ts';
import { insideFolder } from '../runtime/paths.ts';
import { planRuns, type RunRequest } from './plan.ts';
import { RUN_ID, runFolder } from './runFolder.ts';
import type { RunBackend } from './runs.ts';

export interface ApiOptions {
  backend: RunBackend;
  catalog: Catalog;
  /** When set, every request but GET /health and /openapi.yaml must carry `Authorization: Bearer <token>`. */
  token?: string;
  /** Largest request body; a larger one is answered 413. */
  maxBodyBytes: number;
  /** Most runs waiting or running; a submission that would pass it is answered 429. */
  maxQueue: number;
  /** Most event streams open at once. */
  maxStreams?: number;
}

export const DEFAULT_MAX_BODY_BYTES = 16 * 1024 * 1024;
export const DEFAULT_MAX_QUEUE = 10_000;

const OPENAPI = new URL('../../docs/openapi.yaml', import.meta.url);

class HttpError extends Error {
  constructor(readonly status: number, readonly problems: string[], readonly headers: Record<string, string> = {}) {
    super(problems.join('\n'));
  }
}

/** Whether `host` names this machine only: a server bound there is reachable from nowhere else. */
export function isLoopback(host: string): boolean {
  if (host === 'localhost') return true;
  if (isIP(host) === 4) return host.startsWith('127.');
  return host === '::1';
}

export function createApi(options: ApiOptions): Server {
  const { backend } = options;
  const tokenDigest = options.token === undefined ? undefined : digest(options.token);
  let streams = 0;

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://server');
    const path = url.pathname.split('/').filter((s) => s !== '');
    const method = req.method ?? 'GET';
    if (method === 'GET' && url.pathname === '/health') return json(res, 200, { ok: true });
    if (method === 'GET' && url.pathname === '/openapi.yaml') {
      res.writeHead(200, { 'Content-Type': 'application/yaml; charset=utf-8' });
      return void res.end(await readFile(OPENAPI));
    }
    if (tokenDigest) {
      const given = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')?.[1];
      if (given === undefined || !timingSafeEqual(digest(given), tokenDigest)) {
        throw new HttpError(401, ['a bearer token is required (Authorization: Bearer TOKEN)'], { 'WWW-Authenticate': 'Bearer' });
      }
    }
    const route = `${method} /${path.map((s, i) => (i === 1 && path[0] === 'runs' ? ':id' : i === 3 && path[2] === 'files' ? ':name' : s)).join('/')}`;
    switch (route) {
      case 'GET /models':
        return json(res, 200, { models: await backend.models() });
      case 'POST /runs': {
        const body = await readBody(req, options.maxBodyBytes);
        const request = isGraph(body) ? queryRequest(body, url.searchParams) : runRequest(body);
        const plan = planRuns(request.graph, options.catalog, request);
        if (!plan.ok) throw new HttpError(400, plan.problems);
        const pending = await backend.pending();
        if (pending + plan.runs.length > options.maxQueue) {
          throw new HttpError(429, [`the queue holds ${pending} runs and takes at most ${options.maxQueue}: ${plan.runs.length} more do not fit`]);
        }
        return json(res, 202, { runs: await backend.submit(plan.runs) });
      }
      case 'GET /runs/:id':
        return json(res, 200, await known(path[1]));
      case 'POST /runs/:id/cancel':
        await known(path[1]);
        return json(res, 200, await backend.cancel(path[1]));
      case 'GET /runs/:id/files/:name': {
        const state = await known(path[1]);
        let name = path[3];
        try { name = decodeURIComponent(name); } catch { /* left as sent: it names no file */ }
        const file = state.files.includes(name) ? insideFolder(runFolder(backend.outDir, state.id), name) : null;
        const info = file === null ? null : await lstat(file).catch(() => null);
        if (!file || !info?.isFile()) throw new HttpError(404, [`run ${state.id} has no file ${quote(name)}`]);
        res.writeHead(200, { 'Content-Type': name.endsWith('.png') ? 'image/png' : 'application/octet-stream', 'Content-Length': info.size });
        return void createReadStream(file).pipe(res);
      }
      case 'GET /runs/:id/events': {
        await known(path[1]);
        if (streams >= (options.maxStreams ?? 256)) throw new HttpError(503, ['too many event streams are open; try again later']);
        streams++;
        const stop = new AbortController();
        res.on('close', () => stop.abort());
        res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', 'Cache-Control': 'no-cache', Connection: 'keep-alive' });
        res.write(': events of run ' + path[1] + '\n\n');
        const beat = setInterval(() => res.write(': keep-alive\n\n'), 15_000);
        try {
          let n = 0;
          for await (const event of backend.events(path[1], stop.signal)) {
            res.write(`id: ${++n}\nevent: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`);
          }
        } finally {
          clearInterval(beat);
          streams--;
          res.end();
        }
        return;
      }
      default:
        throw new HttpError(404, [`no endpoint ${clip(method, 10)} ${quote(url.pathname)} (see /openapi.yaml)`]);
    }
  };

  /** The run with this id, or 404. An id that is not 32 hex digits never reaches the backend. */
  const known = async (id: string) => {
    const state = RUN_ID.test(id) ? await backend.get(id) : undefined;
    if (!state) throw new HttpError(404, [`no run ${quote(id, 40)}`]);
    return state;
  };

  return createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      const error = e instanceof HttpError ? e : new HttpError(500, [clip((e as Error).message ?? String(e), 2000)]);
      if (res.headersSent) return void res.destroy();
      json(res, error.status, { problems: error.problems }, error.headers);
      // A body not read (refused before, or too large) is drained, and the connection closed soon after.
      if (!req.readableEnded) {
        req.resume();
        setTimeout(() => req.socket.destroy(), 5000).unref();
      }
    });
  });
}

function json(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

function digest(token: string): Buffer {
  return createHash('sha256').update(token).digest();
}

/** The body as JSON, at most `max` bytes (413 past that, before reading it when its length is declared). */
async function readBody(req: IncomingMessage, max: number): Promise<unknown> {
  const tooLarge = () => new HttpError(413, [`the request body is larger than ${max} bytes`]);
  if (Number(req.headers['content-length'] ?? 0) > max) throw tooLarge();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > max) throw tooLarge();
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (e) {
    throw new HttpError(400, [`the request body is not JSON: ${clip((e as Error).message, 200)}`]);
  }
}

type Body = RunRequest & { graph: unknown };

/** A body that is a graph document itself (curl --data-binary @graph.json), its overrides in the query. */
function isGraph(body: unknown): boolean {
  return body !== null && typeof body === 'object' && (body as { format?: unknown }).format === 'latent-loom/graph';
}

/** ?set=NODE.PARAM=VALUE&sweep=NODE.PARAM=VALUES&target=NODE&steps=true, each but steps repeatable, as the CLI's flags. */
function queryRequest(graph: unknown, query: URLSearchParams): Body {
  const problems: string[] = [];
  const known = ['set', 'sweep', 'target', 'steps'];
  for (const key of new Set(query.keys())) if (!known.includes(key)) problems.push(`unknown query parameter ${quote(key)} (parameters: ${known.join(', ')})`);
  const pairs = (name: string) => query.getAll(name).flatMap((text): [string, string][] => {
    const eq = text.indexOf('=');
    if (eq > 0) return [[text.slice(0, eq), text.slice(eq + 1)]];
    problems.push(`${name} ${quote(text)} must be NODE.PARAM=${name === 'set' ? 'VALUE' : 'VALUES'}`);
    return [];
  });
  const set = pairs('set');
  const sweep = pairs('sweep');
  const steps = query.get('steps');
  if (steps !== null && steps !== 'true' && steps !== 'false') problems.push(`steps must be true or false (got ${quote(steps)})`);
  if (problems.length > 0) throw new HttpError(400, problems);
  const targets = query.getAll('target');
  return { graph, set, sweep, targets: targets.length > 0 ? targets : undefined, steps: steps === null ? undefined : steps === 'true' };
}

/** The submission's fields, checked for shape; the graph and the overrides are checked by the plan. */
function runRequest(body: unknown): Body {
  const problems: string[] = [];
  if (body === null || typeof body !== 'object' || Array.isArray(body)) throw new HttpError(400, [`the request body must be an object with a "graph" (got ${describeValue(body)})`]);
  const b = body as Record<string, unknown>;
  const allowed = ['graph', 'set', 'sweep', 'prompts', 'targets', 'steps'];
  for (const key of Object.keys(b)) if (!allowed.includes(key)) problems.push(`unknown field ${quote(key)} (fields: ${allowed.join(', ')})`);
  if (!Object.hasOwn(b, 'graph')) problems.push('"graph" is missing: the graph document, as saved by the editor');
  const entries = (name: string): [string, unknown][] | undefined => {
    const v = b[name];
    if (v === undefined) return undefined;
    if (v === null || typeof v !== 'object' || Array.isArray(v)) return void problems.push(`"${name}" must be an object of "NODE.PARAM": value (got ${describeValue(v)})`);
    return Object.entries(v);
  };
  const set = entries('set');
  const sweep = entries('sweep');
  for (const [key, v] of sweep ?? []) {
    if (typeof v !== 'string' && !Array.isArray(v)) problems.push(`sweep ${quote(key)} must be "A..B", "X,Y,Z" or a list (got ${describeValue(v)})`);
  }
  let prompts: Body['prompts'];
  if (b.prompts !== undefined) {
    const p = b.prompts as { node?: unknown; lines?: unknown };
    if (p === null || typeof p !== 'object' || !Array.isArray(p.lines) || !p.lines.every((l) => typeof l === 'string') || (p.node !== undefined && typeof p.node !== 'string')) {
      problems.push(`"prompts" must be { "node": NODE, "lines": [text, …] } (got ${describeValue(b.prompts)})`);
    } else prompts = { node: p.node as string | undefined, lines: (p.lines as string[]).filter((l) => l.trim() !== '') };
  }
  const targets = b.targets;
  if (targets !== undefined && (!Array.isArray(targets) || !targets.every((t) => typeof t === 'string'))) problems.push(`"targets" must be a list of node ids (got ${describeValue(targets)})`);
  if (b.steps !== undefined && typeof b.steps !== 'boolean') problems.push(`"steps" must be true or false (got ${describeValue(b.steps)})`);
  if (problems.length > 0) throw new HttpError(400, problems);
  return { graph: b.graph, set, sweep, prompts, targets: targets as string[] | undefined, steps: b.steps as boolean | undefined };
}
