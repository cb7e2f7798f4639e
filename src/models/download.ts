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
  /** Never store more than this, whatever the server says (default MAX_DOWNLOAD_BYTES). */
  maxBytes?: number;
  /** Give up when no bytes arrive for this long (default DEFAULT_STALL_MS); the next try resumes. */
  stallMs?: number;
  fetch?: typeof fetch;
}

export interface DownloadResult {
  bytes: number;
  resumed: boolean;
  /** Whether the server takes ranges, i.e. whether an interrupted download can continue where it stopped. */
  rangeSupported: boolean;
}

/** Larger than any model file this app runs; a download that nothing else bounds stops here. */
export const MAX_DOWNLOAD_BYTES = 32 * 2 ** 30;
export const DEFAULT_STALL_MS = 60_000;

export async function download(url: string, target: DownloadTarget, options: DownloadOptions = {}): Promise<DownloadResult> {
  const get = options.fetch ?? fetch;
  const where = url.length > 200 ? `${url.slice(0, 200)}…` : url;
  const stallMs = options.stallMs ?? DEFAULT_STALL_MS;
  // Our own abort, for a stall, joined to the caller's.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  let received = 0;
  let total: number | null = null;
  let rangeSupported = false;
  const stalled = () => new Error(`${where}: the download stalled: no data for ${stallMs / 1000} s after ${received} of ${total ?? '?'} bytes; ${rangeSupported ? 'downloading again continues from there' : 'the next try starts over'}`);
  /** `p`, or a stall error when it takes longer than stallMs; the request is aborted then. */
  const inTime = <T>(p: Promise<T>): Promise<T> => new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      const e = stalled();
      stop.abort(e);
      reject(e);
    }, stallMs);
    p.then((v) => { clearTimeout(timer); resolve(v); }, (e) => { clearTimeout(timer); reject(e); });
  });
  // Compressed responses are inflated by fetch, and their Content-Length is the compressed size: ask
  // for the file as it is, and count only an identity length as the file's size.
  const request = (from: number) => inTime(get(url, { signal, headers: { 'Accept-Encoding': 'identity', ...(from > 0 ? { Range: `bytes=${from}-` } : {}) } }));

  let have = await target.size();
  if (options.expectedBytes !== undefined && have === options.expectedBytes) return { bytes: have, resumed: true, rangeSupported: true };
  if (options.expectedBytes !== undefined && have > options.expectedBytes) have = 0;
  let res = await request(have);
  if (res.status === 416 && have > 0) {
    // Asked past the end: the stored file is whole if the server's total says so.
    const whole = contentRange(res.headers.get('Content-Range'))?.total;
    await res.body?.cancel();
    if (whole === have) return { bytes: have, resumed: true, rangeSupported: true };
    have = 0;
    res = await request(0);
  }
  if (!res.ok || !res.body) throw new Error(`${where}: download failed (HTTP ${res.status} ${res.statusText})`);
  const range = res.status === 206 ? contentRange(res.headers.get('Content-Range')) : null;
  if (res.status === 206 && range?.start !== have) {
    await res.body.cancel();
    throw new Error(`${where}: asked for bytes from ${have}, the server sent ${res.headers.get('Content-Range')?.slice(0, 100) ?? 'no Content-Range'}`);
  }
  // 200 to a range request: the server ignored it, so the file starts over.
  const offset = res.status === 206 ? have : 0;
  const encoding = (res.headers.get('Content-Encoding') ?? '').trim().toLowerCase();
  const encoded = encoding !== '' && encoding !== 'identity';
  const lengthHeader = encoded ? null : res.headers.get('Content-Length');
  const length = lengthHeader !== null && /^\d+$/.test(lengthHeader.trim()) ? Number(lengthHeader) : null;
  total = range?.total ?? (length !== null ? offset + length : options.expectedBytes ?? null);
  rangeSupported = res.status === 206 || res.headers.get('Accept-Ranges')?.toLowerCase() === 'bytes';
  // The most this file may hold: what the server or the caller says it is, and never past the cap.
  const limit = Math.min(total ?? Infinity, options.expectedBytes ?? Infinity, options.maxBytes ?? MAX_DOWNLOAD_BYTES);

  const sink = await target.open(offset);
  received = offset;
  const report = () => options.onProgress?.({ received, total, resumed: offset > 0 });
  report();
  const reader = res.body.getReader();
  let tooBig = false;
  try {
    for (;;) {
      // Only network errors become "interrupted"; a storage error (quota) goes up as it is.
      const chunk = await inTime(reader.read()).catch((e: Error) => {
        if (stop.signal.aborted) throw stop.signal.reason;
        const next = rangeSupported ? 'downloading again continues from there' : 'the server does not take ranges, so the next try starts over';
        throw new Error(`${where}: interrupted after ${received} of ${total ?? '?'} bytes (${e.message}); ${next}`);
      });
      if (chunk.done) break;
      if (received + chunk.value.length > limit) {
        tooBig = true;
        await reader.cancel().catch(() => undefined);
        const why = encoded ? ` (the server compressed it with "${encoding.slice(0, 20)}", and it inflates past that)` : '';
        throw new Error(`${where}: the server sent more than the ${limit} bytes expected${why}; the download was stopped and nothing was kept`);
      }
      await sink.write(chunk.value);
      received += chunk.value.length;
      report();
    }
  } finally {
    await sink.close();
    // Whatever was stored of an oversized response is not the file: it must not be resumed.
    if (tooBig) await (await target.open(0)).close();
  }
  if (total !== null && received !== total) {
    // The same cut as a network error mid-read, seen as an early end of the body: said the same way.
    const next = rangeSupported ? 'downloading again continues from there' : 'the server does not take ranges, so the next try starts over';
    throw new Error(`${where}: interrupted after ${received} of ${total} bytes (the connection ended early); ${next}`);
  }
  return { bytes: received, resumed: offset > 0, rangeSupported };
}

/** "bytes 100-199/1000" -> { start: 100, total: 1000 }; "bytes * /1000" -> { total: 1000 }. */
export function contentRange(header: string | null): { start?: number; total?: number } | null {
  const m = header?.match(/^bytes\s+(?:(\d+)-\d+|\*)\/(\d+|\*)$/);
  if (!m) return null;
  return { start: m[1] !== undefined ? Number(m[1]) : undefined, total: m[2] === '*' ? undefined : Number(m[2]) };
}
