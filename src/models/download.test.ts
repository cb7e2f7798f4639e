import { createServer, type Server } from 'node:http';
import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { contentRange, download, type DownloadProgress } from './download.ts';
import { opfsTarget } from './opfsDownload.ts';
import { fsDirectoryHandle } from '../../test/fsHandles.ts';

const body = Uint8Array.from({ length: 300_000 }, (_, i) => (i * 31 + 7) & 255);
const ranges: (string | undefined)[] = [];
let cutAfter: number | null = null;
let server: Server;
const bomb = gzipSync(new Uint8Array(64_000_000));
const stalled: { destroy(): void }[] = [];
let base: string;

beforeAll(async () => {
  // /ranged takes Range requests; /plain ignores them. `cutAfter` drops the connection mid-body once.
  server = createServer((req, res) => {
    if (req.url === '/bomb') {
      // 64 MB of zeros, gzipped to about 64 KB: Content-Length is the compressed size.
      res.writeHead(200, { 'Content-Encoding': 'gzip', 'Content-Length': bomb.length, 'Accept-Ranges': 'bytes' });
      res.end(bomb);
      return;
    }
    if (req.url === '/stall') {
      // Headers and 1000 bytes, then nothing, with the connection left open.
      res.writeHead(200, { 'Content-Length': body.length, 'Accept-Ranges': 'bytes' });
      res.write(body.subarray(0, 1000));
      stalled.push(res);
      return;
    }
    if (req.url === '/silent') {
      stalled.push(res); // never answers at all
      return;
    }
    ranges.push(req.headers.range);
    const ranged = req.url === '/ranged';
    const m = ranged ? req.headers.range?.match(/^bytes=(\d+)-$/) : null;
    const start = m ? Number(m[1]) : 0;
    if (start >= body.length && m) {
      res.writeHead(416, { 'Content-Range': `bytes */${body.length}` }).end();
      return;
    }
    const headers: Record<string, string | number> = { 'Content-Length': body.length - start, Connection: 'close' };
    if (ranged) headers['Accept-Ranges'] = 'bytes';
    if (m) headers['Content-Range'] = `bytes ${start}-${body.length - 1}/${body.length}`;
    res.writeHead(m ? 206 : 200, headers);
    if (cutAfter !== null) {
      const n = cutAfter;
      cutAfter = null;
      res.write(body.subarray(start, start + n), () => res.destroy());
    } else {
      res.end(body.subarray(start));
    }
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const { port } = server.address() as { port: number };
  base = `http://127.0.0.1:${port}`;
});

afterAll(() => {
  for (const r of stalled) r.destroy();
  return new Promise<void>((ok) => server.close(() => ok()));
});

async function target() {
  const dir = await mkdtemp(join(tmpdir(), 'loom-dl-'));
  return { dir, target: opfsTarget(fsDirectoryHandle(dir), 'unet/model.onnx', 64_000) };
}

describe('download', () => {
  it('resumes an interrupted download with a Range request, into OPFS-style storage', async () => {
    const { dir, target: t } = await target();
    ranges.length = 0;
    cutAfter = 100_000;
    await expect(download(`${base}/ranged`, t)).rejects.toThrow(/interrupted after \d+ of 300000 bytes .*; downloading again continues from there$/);
    const partial = await t.size();
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(body.length);
    const seen: DownloadProgress[] = [];
    const result = await download(`${base}/ranged`, t, { onProgress: (p) => seen.push(p) });
    expect(result).toEqual({ bytes: body.length, resumed: true, rangeSupported: true });
    expect(ranges).toEqual([undefined, `bytes=${partial}-`]);
    expect(seen[0]).toEqual({ received: partial, total: body.length, resumed: true });
    expect(seen.at(-1)).toEqual({ received: body.length, total: body.length, resumed: true });
    expect(Buffer.compare(await readFile(join(dir, 'unet/model.onnx')), body)).toBe(0);
    // Already whole: the server's 416 says so, and nothing is fetched again.
    expect(await download(`${base}/ranged`, t)).toEqual({ bytes: body.length, resumed: true, rangeSupported: true });
  });

  it('starts over when the server ignores ranges', async () => {
    const { dir, target: t } = await target();
    cutAfter = 50_000;
    await expect(download(`${base}/plain`, t)).rejects.toThrow(/the server does not take ranges, so the next try starts over$/);
    const result = await download(`${base}/plain`, t);
    expect(result).toEqual({ bytes: body.length, resumed: false, rangeSupported: false });
    expect(Buffer.compare(await readFile(join(dir, 'unet/model.onnx')), body)).toBe(0);
  });

  it('names the HTTP status of a failed request', async () => {
    const { target: t } = await target();
    const fakeFetch = (async () => new Response('no', { status: 404, statusText: 'Not Found' })) as typeof fetch;
    await expect(download('https://example.org/x.onnx', t, { fetch: fakeFetch })).rejects.toThrow('https://example.org/x.onnx: download failed (HTTP 404 Not Found)');
  });

  it('reads Content-Range headers', () => {
    expect(contentRange('bytes 100-199/1000')).toEqual({ start: 100, total: 1000 });
    expect(contentRange('bytes */1000')).toEqual({ start: undefined, total: 1000 });
    expect(contentRange('bytes 0-9/*')).toEqual({ start: 0, total: undefined });
    expect(contentRange(null)).toBeNull();
  });

  it('stops a compressed response that inflates past the size it may have, and keeps nothing of it', async () => {
    const { dir, target: t } = await target();
    await expect(download(`${base}/bomb`, t, { maxBytes: 1_000_000 })).rejects.toThrow(
      /\/bomb: the server sent more than the 1000000 bytes expected \(the server compressed it with "gzip", and it inflates past that\); the download was stopped and nothing was kept$/,
    );
    expect((await stat(join(dir, 'unet/model.onnx'))).size).toBe(0);
    // The size a known model or a graph records bounds it the same way.
    await expect(download(`${base}/bomb`, t, { expectedBytes: 300_000 })).rejects.toThrow(/more than the 300000 bytes expected/);
    expect(await t.size()).toBe(0);
  });

  it('gives up on a download that stalls, saying it can be resumed', async () => {
    const { target: t } = await target();
    const started = performance.now();
    await expect(download(`${base}/stall`, t, { stallMs: 300 })).rejects.toThrow(
      /\/stall: the download stalled: no data for 0\.3 s after 1000 of 300000 bytes; downloading again continues from there$/,
    );
    expect(await t.size()).toBe(1000);
    await expect(download(`${base}/silent`, t, { stallMs: 300 })).rejects.toThrow(/\/silent: the download stalled: no data for 0\.3 s/);
    expect(performance.now() - started).toBeLessThan(10_000);
  });
});
