// The engine inside a Node worker thread (CLI, tests, bench).
import * as Comlink from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { parentPort, workerData } from 'node:worker_threads';
import { builtinRegistry } from '../../nodes/registry.ts';
import { createNodeRuntime } from '../runtime/node.ts';
import { EngineService } from './service.ts';
import { comlinkTransfer } from './transfer.ts';

const { modelRoots, threads, cacheBytes } = (workerData ?? {}) as { modelRoots?: string[]; threads?: number; cacheBytes?: number };
const service = new EngineService(builtinRegistry(), createNodeRuntime({ modelRoots, threads }), cacheBytes, comlinkTransfer);
Comlink.expose(service, nodeEndpoint(parentPort!));
