// A model file server for tests: another origin on 127.0.0.1, with CORS and Range, sending slowly enough
// that a progress bar can be seen.
import { createServer, type Server } from 'node:http';

export interface ModelServer { url(name: string): string; close(): Promise<void> }

/** Serves `files` by name; each response goes out in `chunks` pieces, `delayMs` apart. */
export function serveModels(files: Record<string, Uint8Array>, { chunks = 4, delayMs = 250 } = {}): Promise<ModelServer> {
  const server: Server = createServer(async (req, res) => {
    res.setHeader('Access-Control-Allow-Origin', '*');
    res.setHeader('Access-Control-Allow-Headers', 'Range');
    res.setHeader('Access-Control-Expose-Headers', 'Content-Range, Content-Length, Accept-Ranges');
    res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    res.setHeader('Accept-Ranges', 'bytes');
    if (req.method === 'OPTIONS') return void res.writeHead(204).end();
    const body = files[decodeURIComponent((req.url ?? '').split('?')[0].slice(1))];
    if (!body) return void res.writeHead(404).end();
    const range = /^bytes=(\d+)-$/.exec(req.headers.range ?? '');
    const start = range ? Number(range[1]) : 0;
    if (start >= body.length && range) return void res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
    const part = body.subarray(start);
    res.writeHead(range ? 206 : 200, {
      'Content-Type': 'application/octet-stream', 'Content-Length': String(part.length),
      ...(range ? { 'Content-Range': `bytes ${start}-${body.length - 1}/${body.length}` } : {}),
    });
    const size = Math.ceil(part.length / chunks);
    for (let at = 0; at < part.length; at += size) {
      res.write(part.subarray(at, at + size));
      await new Promise((r) => setTimeout(r, delayMs));
    }
    res.end();
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    resolve({
      url: (name) => `http://127.0.0.1:${port}/${name}`,
      close: () => new Promise((done) => { server.closeAllConnections(); server.close(() => done()); }),
    });
  }));
}
