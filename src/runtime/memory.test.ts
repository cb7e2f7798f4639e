import { describe, expect, it } from 'vitest';
import { roughBytes } from './format.ts';
import { parseBytes } from './memory.ts';

describe('sizes in words', () => {
  it('formats bytes with two significant figures', () => {
    expect(roughBytes(512)).toBe('512 bytes');
    expect(roughBytes(1_500_000_000)).toBe('1.5 GB');
    expect(roughBytes(2.2e12)).toBe('2.2 TB');
    expect(roughBytes(268_435_456)).toBe('268 MB');
  });
  it('reads budgets with units', () => {
    expect(parseBytes('512MB')).toBe(512e6);
    expect(parseBytes('2 GiB')).toBe(2 * 1024 ** 3);
    expect(parseBytes('1.5g')).toBe(1.5e9);
    expect(parseBytes('1000')).toBe(1000);
    expect(parseBytes('lots')).toBeNull();
    expect(parseBytes('0')).toBeNull();
  });
});
