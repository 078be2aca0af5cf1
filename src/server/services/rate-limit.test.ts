import { describe, expect, it } from 'vitest';
import { CallLimiter } from './rate-limit.js';

describe('CallLimiter', () => {
  it('allows a minute of pushes at once, then one per refill interval, per key', () => {
    const limiter = new CallLimiter(6);
    const t = 1_000_000;
    for (let i = 0; i < 6; i++) expect(limiter.take('a', t)).toBe(0);
    expect(limiter.take('a', t)).toBe(10);
    expect(limiter.take('b', t)).toBe(0);
    expect(limiter.take('a', t + 5_000)).toBe(5);
    expect(limiter.take('a', t + 10_000)).toBe(0);
    expect(limiter.take('a', t + 10_000)).toBeGreaterThan(0);
    expect(limiter.take('a', t + 120_000)).toBe(0);
  });
});
