import { describe, expect, it } from 'vitest';
import { UUID_RE, uuidv7 } from './uuidv7.js';

describe('uuidv7', () => {
  it('has the version 7 and RFC variant bits and the time in its first 48 bits', () => {
    const at = Date.UTC(2026, 10, 24, 12, 0, 0);
    const id = uuidv7(at);
    expect(id).toMatch(UUID_RE);
    expect(id[14]).toBe('7');
    expect('89ab').toContain(id[19]);
    expect(parseInt(id.replace(/-/g, '').slice(0, 12), 16)).toBe(at);
  });

  it('sorts in creation order within one millisecond', () => {
    const at = Date.now() + 60_000;
    const ids = Array.from({ length: 500 }, () => uuidv7(at));
    expect(new Set(ids).size).toBe(500);
    expect([...ids].sort()).toEqual(ids);
  });
});
