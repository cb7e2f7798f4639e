// Downloads a model file from a URL into storage as it arrives, resuming with an HTTP Range request when
// a partial file is already there and the server answers 206. Storage is a DownloadTarget: OPFS in the
// browser (opfsTarget), a plain file in tests.

export interface DownloadSink {
  write(chunk: Uint8Array): Promise<void>;
  /** Keeps what was written, so a later download can resume from it. */
  close(): Promise<void>;
}

export interface DownloadTarget {
  /** Bytes already stored from an earlier, interrupted download (0 when none). */
  size(): Promise<number>;
  /** A sink appending at `offset`; offset 0 starts the file over. */
  open(offset: number): Promise<DownloadSink>;
}

export interface DownloadProgress { received: number; total: number | null; resumed: boolean }

export interface DownloadOptions {
  onProgress?(p: DownloadProgress): void;
  signal?: AbortSignal;
  /** The size the file must reach (from a manifest or known model); a stored file of this size is done. */
  expectedBytes?: number;
  fetch?: typeof fetch;
}

export interface DownloadResult {
  bytes: number;
  resumed: boolean;
  /** Whether the server takes ranges, i.e. whether an interrupted download can continue where it stopped. */
  rangeSupported: boolean;
}

export async function download(url: string, target: DownloadTarget, options: DownloadOptions = {}): Promise<DownloadResult> {
  const get = options.fetch ?? fetch;
  let have = await target.size();
  if (options.expectedBytes !== undefined && have === options.expectedBytes) return { bytes: have, resumed: true, rangeSupported: true };
  if (options.expectedBytes !== undefined && have > options.expectedBytes) have = 0;
  let res = await get(url, { signal: options.signal, headers: have > 0 ? { Range: `bytes=${have}-` } : {} });
  if (res.status === 416 && have > 0) {
    // Asked past the end: the stored file is whole if the server's total says so.
    const total = contentRange(res.headers.get('Content-Range'))?.total;
    await res.body?.cancel();
    if (total === have) return { bytes: have, resumed: true, rangeSupported: true };
    have = 0;
    res = await get(url, { signal: options.signal });
  }
  if (!res.ok || !res.body) throw new Error(`${url}: download failed (HTTP ${res.status} ${res.statusText})`);
  const range = res.status === 206 ? contentRange(res.headers.get('Content-Range')) : null;
  if (res.status === 206 && range?.start !== have) {
    await res.body.cancel();
    throw new Error(`${url}: asked for bytes from ${have}, the server sent ${res.headers.get('Content-Range') ?? 'no Content-Range'}`);
  }
  // 200 to a range request: the server ignored it, so the file starts over.
  const offset = res.status === 206 ? have : 0;
  const length = res.headers.get('Content-Length');
  const total = range?.total ?? (length !== null ? offset + Number(length) : options.expectedBytes ?? null);
  const rangeSupported = res.status === 206 || res.headers.get('Accept-Ranges')?.toLowerCase() === 'bytes';

  const sink = await target.open(offset);
  let received = offset;
  const report = () => options.onProgress?.({ received, total, resumed: offset > 0 });
  report();
  const reader = res.body.getReader();
  try {
    for (;;) {
      // Only network errors become "interrupted"; a storage error (quota) goes up as it is.
      const chunk = await reader.read().catch((e: Error) => {
        const next = rangeSupported ? 'downloading again continues from there' : 'the server does not take ranges, so the next try starts over';
        throw new Error(`${url}: interrupted after ${received} of ${total ?? '?'} bytes (${e.message}); ${next}`);
      });
      if (chunk.done) break;
      await sink.write(chunk.value);
      received += chunk.value.length;
      report();
    }
  } finally {
    await sink.close();
  }
  if (total !== null && received !== total) {
    throw new Error(`${url}: the connection ended after ${received} of ${total} bytes; downloading again ${rangeSupported ? 'continues from there' : 'starts over'}`);
  }
  return { bytes: received, resumed: offset > 0, rangeSupported };
}

/** "bytes 100-199/1000" -> { start: 100, total: 1000 }; "bytes * /1000" -> { total: 1000 }. */
export function contentRange(header: string | null): { start?: number; total?: number } | null {
  const m = header?.match(/^bytes\s+(?:(\d+)-\d+|\*)\/(\d+|\*)$/);
  if (!m) return null;
  return { start: m[1] !== undefined ? Number(m[1]) : undefined, total: m[2] === '*' ? undefined : Number(m[2]) };
}
