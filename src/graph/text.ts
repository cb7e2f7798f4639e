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

/** Longest file name made from a document's or a URL's text, before its extension. */
export const MAX_FILE_NAME = 100;

/**
 * A file name from any text (a node id, a Save Image name, a URL's last segment): letters, digits,
 * '_', '-' and single dots only, no leading or trailing dot, at most MAX_FILE_NAME characters. It has
 * no separators and is never "." or "..", so joined to a folder it stays in that folder.
 */
export function safeFileName(text: string, fallback = 'file'): string {
  const name = text.replace(/[^A-Za-z0-9_.-]+/g, '_').replace(/\.{2,}/g, '.').slice(0, MAX_FILE_NAME).replace(/^\.+|\.+$/g, '');
  return name || fallback;
}
