import react from '@vitejs/plugin-react';
import { createReadStream } from 'node:fs';
import { cp, writeFile } from 'node:fs/promises';
import { join, normalize, resolve, sep } from 'node:path';
import { defineConfig, type Plugin } from 'vite';
import { buildModelIndex } from './src/runtime/modelIndex.ts';

const MODELS_DIR = resolve(import.meta.dirname, 'models');
const SERVED_ROOTS = ['bundle', 'test'];

// WASM threads need SharedArrayBuffer, which needs cross-origin isolation.
const isolation = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };

/** Serves the bundled models at /models/ (with an index) in dev and preview, and copies them into the build. */
function bundledModels(): Plugin {
  const serve = (middlewares: { use: (fn: (req: any, res: any, next: () => void) => void) => void }) => {
    middlewares.use(async (req, res, next) => {
      const url = decodeURIComponent((req.url ?? '').split('?')[0]);
      if (!url.startsWith('/models/')) return next();
      const rel = url.slice('/models/'.length);
      if (rel === 'index.json') {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(await buildModelIndex(MODELS_DIR, SERVED_ROOTS)));
        return;
      }
      const file = normalize(join(MODELS_DIR, rel));
      if (!file.startsWith(MODELS_DIR + sep) || !SERVED_ROOTS.some((r) => rel.startsWith(`${r}/`))) return next();
      createReadStream(file).on('error', () => { res.statusCode = 404; res.end(); }).pipe(res);
    });
  };
  return {
    name: 'latent-loom-models',
    configureServer: (server) => serve(server.middlewares),
    configurePreviewServer: (server) => serve(server.middlewares),
    async writeBundle(options) {
      const out = join(options.dir ?? 'dist', 'models');
      for (const root of SERVED_ROOTS) await cp(join(MODELS_DIR, root), join(out, root), { recursive: true }).catch(() => {});
      await writeFile(join(out, 'index.json'), JSON.stringify(await buildModelIndex(MODELS_DIR, SERVED_ROOTS)));
    },
  };
}

export default defineConfig({
  plugins: [react(), bundledModels()],
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  optimizeDeps: { exclude: ['onnxruntime-web'] },
  build: { target: 'es2022', chunkSizeWarningLimit: 4096 },
});
