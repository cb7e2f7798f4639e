// Names for the files a run writes: every name made from a node id or a Save Image name goes through
// the one safe-name rule, stays inside --out, and two outputs never get the same file.
import { safeFileName } from '../graph/text.ts';
import { containedPath } from '../runtime/paths.ts';

export class OutputFiles {
  private readonly taken = new Set<string>();

  constructor(readonly dir: string) {}

  /**
   * A free path in the folder for `stem` (any text: sanitised here) with `ext`: `stem.ext`, or
   * `stem-2.ext`, `stem-3.ext`… when an earlier output of this run already has that name. Names are
   * compared without case, as some file systems do.
   */
  claim(stem: string, ext = '.png'): string {
    const base = safeFileName(stem, 'output');
    let name = `${base}${ext}`;
    for (let k = 2; this.taken.has(name.toLowerCase()); k++) name = `${base}-${k}${ext}`;
    this.taken.add(name.toLowerCase());
    return containedPath(this.dir, name, '--out');
  }
}
