// Standalone bench pages: built with Vite, served cross-origin isolated (WASM threads need
// SharedArrayBuffer) by a small node:http server, and run in Debian's headless Chromium.
import { createReadStream } from 'node:fs';
import { createServer } from 'node:http';
import { extname, join, normalize, sep } from 'node:path';
import { build } from 'vite';
import { buildModelIndex } from '../src/runtime/modelIndex.ts';

const TYPES: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' };

/** Chromium's flags for the benches: quiet, and WebGPU allowed (SwiftShader here, a real GPU with gpuFlags). */
export const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--enable-unsafe-webgpu'];

/** A static server with COOP/COEP: `mounts` maps a URL prefix to a folder; /models/ serves `modelsDir` with its index.json. */
export async function serve(mounts: Record<string, string>, modelsDir?: string): Promise<{ url: string; close: () => Promise<void> }> {
  if (modelsDir) mounts = { ...mounts, '/models/': modelsDir };
  const server = createServer(async (req, res) => {
    res.setHeader('Cross-Origin-Opener-Policy', 'same-origin');
    res.setHeader('Cross-Origin-Embedder-Policy', 'require-corp');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    const url = decodeURIComponent((req.url ?? '/').split('?')[0]);
    if (modelsDir && url === '/models/index.json') {
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify(await buildModelIndex(modelsDir, ['.'])));
      return;
    }
    for (const [prefix, dir] of Object.entries(mounts).sort((a, b) => b[0].length - a[0].length)) {
      if (!url.startsWith(prefix)) continue;
      const file = normalize(join(dir, url.slice(prefix.length) || 'index.html'));
      if (!file.startsWith(normalize(dir) + sep) && file !== normalize(dir)) break;
      res.setHeader('Content-Type', TYPES[extname(file)] ?? 'application/octet-stream');
      createReadStream(file).on('error', () => { res.statusCode = 404; res.end(); }).pipe(res);
      return;
    }
    res.statusCode = 404;
    res.end();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((done) => server.close(() => done())) };
}

/**
 * Flags for a real GPU in headless Chromium (Linux, NVIDIA/AMD/Intel with Vulkan drivers): WebGPU on
 * Vulkan, the GPU blocklist ignored. Without them headless Chromium gives WebGPU on SwiftShader (CPU).
 */
export const GPU_FLAGS = ['--enable-features=Vulkan,VulkanFromANGLE,DefaultANGLEVulkan', '--use-angle=vulkan', '--use-vulkan=native', '--disable-vulkan-surface', '--ignore-gpu-blocklist', '--enable-gpu'];

/** Builds a page folder with Vite (not minified, no modulepreload polyfill: workers may load the bundle). */
export async function buildPage(pageDir: string, outDir: string): Promise<void> {
  // Not minified: TF.js's threaded WASM hands its module factory's source to its workers as text,
  // which breaks when the minifier renames what that source refers to.
  await build({ root: pageDir, configFile: false, logLevel: 'warn', base: '/', worker: { format: 'es' }, optimizeDeps: { exclude: ['onnxruntime-web'] },
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 8192, minify: false, modulePreload: { polyfill: false } } });
}
