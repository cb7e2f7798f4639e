// The bundle's size bar ("Bundled models v2": at most 40 MB in all), counted on disk: every file the
// app ships under models/bundle, manifests, sample sheets and configs included.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const BUNDLE = fileURLToPath(new URL('../bundle/', import.meta.url));
const LIMIT = 40e6;

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)]));
}

describe('the bundled models', () => {
  it('take at most 40 MB on disk, and each model file is the size its manifest says', () => {
    const all = files(BUNDLE);
    const total = all.reduce((n, f) => n + statSync(f).size, 0);
    expect(total).toBeLessThanOrEqual(LIMIT);
    const manifests = all.filter((f) => f.endsWith('manifest.json'));
    expect(manifests.length).toBe(3);
    for (const m of manifests) {
      const { files: listed } = JSON.parse(readFileSync(m, 'utf8')) as { files: { path: string; bytes: number }[] };
      for (const f of listed) expect(statSync(join(m, '..', f.path)).size, f.path).toBe(f.bytes);
    }
  });
});
