// Names that come from outside (a URL, --id) made safe to use on disk.
import { quote, safeFileName } from '../graph/text.ts';

/** The file name a download from `url` is stored under: its last path segment, made safe. */
export function fileNameFromUrl(url: string): string {
  const segment = new URL(url).pathname.split('/').filter(Boolean).at(-1) ?? '';
  let decoded = segment;
  try {
    decoded = decodeURIComponent(segment);
  } catch {
    // A malformed escape: the segment as it is, which the safe-name rule cleans up.
  }
  return safeFileName(decoded, 'model.onnx');
}

const MODEL_ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

/** Why `id` cannot name a model folder, or null. Ids become folder names, so they are kept plain. */
export function modelIdProblem(id: string): string | null {
  if (MODEL_ID.test(id) && !id.includes('..')) return null;
  return `model id ${quote(id)} is not allowed: use letters, digits, '.', '_' and '-' (starting with a letter or digit, no '..'), at most 100 characters`;
}
