import { describe, expect, it } from 'vitest';
import { statStillHolds } from './folder.js';

describe('statStillHolds', () => {
  const hashed = { size: 120, mtimeMs: 1_000_000, ctimeMs: 1_000_000, ino: 42, at: 1_005_000 };
  const now = { size: 120, mtimeMs: 1_000_000, ctimeMs: 1_000_000, ino: 42 };

  it('trusts a file whose size, times and inode are those it had when hashed', () => {
    expect(statStillHolds(hashed, now)).toBe(true);
  });

  it('reads again a file that differs in any of them', () => {
    for (const change of [{ size: 121 }, { mtimeMs: 1_000_001 }, { ctimeMs: 1_000_001 }, { ino: 43 }]) {
      expect(statStillHolds(hashed, { ...now, ...change })).toBe(false);
    }
  });

  it('reads again a file changed in the second before it was hashed (a later write may keep its times)', () => {
    expect(statStillHolds({ ...hashed, at: 1_000_900 }, now)).toBe(false);
    expect(statStillHolds({ ...hashed, at: 1_001_001 }, now)).toBe(true);
  });
});
