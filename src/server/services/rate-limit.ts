// Failed-login limits per username and per address, in a sliding window. Held in memory: the
// limits apply per server process.
export class LoginLimiter {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly perUser: number,
    private readonly perAddress: number,
    private readonly windowMs: number,
  ) {}

  private recent(key: string, now: number): number[] {
    const times = (this.failures.get(key) ?? []).filter((t) => t > now - this.windowMs);
    if (times.length === 0) this.failures.delete(key);
    else this.failures.set(key, times);
    return times;
  }

  /** Seconds to wait before another attempt, or 0 when one is allowed now. */
  retryAfter(username: string, address: string, now = Date.now()): number {
    let wait = 0;
    for (const [key, limit] of [
      [`user:${username}`, this.perUser],
      [`addr:${address}`, this.perAddress],
    ] as const) {
      const times = this.recent(key, now);
      if (times.length >= limit) wait = Math.max(wait, Math.ceil((times[0]! + this.windowMs - now) / 1000));
    }
    return wait;
  }

  fail(username: string, address: string, now = Date.now()): void {
    for (const key of [`user:${username}`, `addr:${address}`]) {
      const times = this.recent(key, now);
      times.push(now);
      this.failures.set(key, times);
    }
  }

  succeed(username: string): void {
    this.failures.delete(`user:${username}`);
  }
}
