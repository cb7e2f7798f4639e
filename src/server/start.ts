// Puts a server together: the runs kept in-process or on a Redis queue, behind the HTTP API.
import type { AddressInfo } from 'node:net';
import type { Catalog } from '../graph/catalog.ts';
import type { ModelManifest } from '../runtime/manifest.ts';
import { scanModelFolders } from '../runtime/modelFolders.ts';
import { PROJECT_MODEL_ROOTS } from '../runtime/node.ts';
import { makeDirectory } from '../runtime/paths.ts';
import { createApi, DEFAULT_MAX_BODY_BYTES, DEFAULT_MAX_QUEUE, isLoopback } from './http.ts';
import { LocalBackend } from './local.ts';
import { QueueBackend } from './queue.ts';
import type { RunBackend } from './runs.ts';

export interface ServerOptions {
  catalog: Catalog;
  host: string;
  /** 0 picks a free port. */
  port: number;
  outDir: string;
  /** Model roots before the project's own, first wins. */
  modelRoots: string[];
  /** With a Redis URL, runs go on its queue for workers; without, this process runs them. */
  redis?: string;
  token?: string;
  threads?: number;
  maxBodyBytes?: number;
  maxQueue?: number;
  warn?: (line: string) => void;
}

export interface RunningServer {
  url: string;
  port: number;
  backend: RunBackend;
  close(): Promise<void>;
}

export async function startServer(options: ServerOptions): Promise<RunningServer> {
  if (!isLoopback(options.host) && !options.token) {
    throw new Error(`listening on ${options.host} reaches beyond this machine: set a token (--token or LATENT_LOOM_TOKEN)`);
  }
  const outDir = await makeDirectory(options.outDir, '--out folder');
  const models = async (): Promise<ModelManifest[]> =>
    (await scanModelFolders([...options.modelRoots, ...PROJECT_MODEL_ROOTS], options.warn ?? (() => {}))).map((f) => f.manifest);
  const backend: RunBackend = options.redis
    ? new QueueBackend(options.redis, outDir, models)
    : new LocalBackend(outDir, { catalog: options.catalog, modelRoots: options.modelRoots, threads: options.threads, models });
  const server = createApi({
    backend, catalog: options.catalog, token: options.token,
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES, maxQueue: options.maxQueue ?? DEFAULT_MAX_QUEUE,
  });
  await new Promise<void>((listening, failed) => {
    server.once('error', failed);
    server.listen(options.port, options.host, () => listening());
  });
  const { port } = server.address() as AddressInfo;
  const host = options.host.includes(':') ? `[${options.host}]` : options.host;
  return {
    url: `http://${host}:${port}`,
    port,
    backend,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((closed) => server.close(() => closed()));
      await backend.close();
    },
  };
}
