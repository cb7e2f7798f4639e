// Serves the built app (dist/) with `vite preview` on a free 127.0.0.1 port for the whole suite.
import { resolve } from 'node:path';
import { preview, type PreviewServer } from 'vite';
import type { TestProject } from 'vitest/node';
import { freePort } from '../../test/processes.ts';

declare module 'vitest' {
  export interface ProvidedContext { baseUrl: string }
}

let server: PreviewServer | undefined;

export async function setup(project: TestProject): Promise<void> {
  const port = await freePort();
  server = await preview({
    root: resolve(import.meta.dirname, '../..'),
    configFile: resolve(import.meta.dirname, '../../vite.config.ts'),
    preview: { host: '127.0.0.1', port, strictPort: true },
    logLevel: 'warn',
  });
  project.provide('baseUrl', `http://127.0.0.1:${port}/`);
}

export async function teardown(): Promise<void> {
  await server?.close();
}
