// Text from a document or the command line, made safe to echo in a message: at most ~80 characters.

export const ECHO_LIMIT = 80;

/** `s` cut to `limit` characters with an ellipsis, so a huge id or string never fills a message. */
export function clip(s: string, limit = ECHO_LIMIT): string {
  return s.length > limit ? `${s.slice(0, limit)}…` : s;
}

/** `s` in double quotes, clipped. */
export function quote(s: string, limit = ECHO_LIMIT): string {
  return `"${clip(s, limit)}"`;
}

/** Any value as short JSON for a message ("got …"). */
export function describeValue(v: unknown, limit = ECHO_LIMIT): string {
  if (typeof v === 'string') return JSON.stringify(clip(v, limit));
  if (v === undefined) return 'undefined';
  let text: string | undefined;
  try {
    text = JSON.stringify(v);
  } catch {
    text = undefined;
  }
  return clip(text ?? String(v), limit);
}

/** The value stored under `key` in `record` itself, never one inherited (`toString`, `__proto__`…). */
export function own<T>(record: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(record, key) ? record[key] : undefined;
}
