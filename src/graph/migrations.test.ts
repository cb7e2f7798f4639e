import { describe, expect, it } from 'vitest';
import { migrate, MIGRATIONS, type Migration } from './migrations.ts';

describe('migrations', () => {
  it('walks the chain one version at a time', () => {
    const seen: number[] = [];
    const chain: Record<number, Migration> = {
      1: (d) => { seen.push(d.version as number); return { ...d, renamed: d.old, old: undefined }; },
      2: (d) => { seen.push(d.version as number); return { ...d, added: true }; },
    };
    const result = migrate({ version: 1, old: 'x' }, chain, 3);
    expect(seen).toEqual([1, 2]);
    expect(result).toEqual({ ok: true, from: 1, doc: { version: 3, renamed: 'x', old: undefined, added: true } });
  });
  it('says which step is missing', () => {
    expect(migrate({ version: 1 }, { 1: (d) => d }, 3)).toEqual({ ok: false, message: 'no migration from version 2 to 3' });
  });
  it('leaves a current document alone and refuses a newer one', () => {
    expect(migrate({ version: 1, a: 1 })).toEqual({ ok: true, from: 1, doc: { version: 1, a: 1 } });
    expect(migrate({ version: 2 }).ok).toBe(false);
  });
  it('has no step yet: version 1 is the first format', () => {
    expect(Object.keys(MIGRATIONS)).toEqual([]);
  });
});
