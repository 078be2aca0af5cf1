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

/**
 * Pushes per credential (API token, or the user for a web session): a token bucket holding
 * `perMinute` requests, refilled at `perMinute` a minute. In memory: per server process.
 */
export class PushLimiter {
  private readonly buckets = new Map<string, { level: number; at: number }>();

  constructor(readonly perMinute: number) {}

  /** Takes one push for `key`; returns 0 when allowed, else the seconds until one is. */
  take(key: string, now = Date.now()): number {
    const ratePerMs = this.perMinute / 60_000;
    const bucket = this.buckets.get(key) ?? { level: this.perMinute, at: now };
    bucket.level = Math.min(this.perMinute, bucket.level + (now - bucket.at) * ratePerMs);
    bucket.at = now;
    if (bucket.level < 1) {
      this.buckets.set(key, bucket);
      return Math.max(1, Math.ceil((1 - bucket.level) / ratePerMs / 1000));
    }
    bucket.level -= 1;
    this.buckets.set(key, bucket);
    if (this.buckets.size > 10_000) this.forgetFull(now);
    return 0;
  }

  /** Buckets that have filled up again carry no state: drop them to keep memory bounded. */
  private forgetFull(now: number): void {
    const ratePerMs = this.perMinute / 60_000;
    for (const [key, bucket] of this.buckets) {
      if (bucket.level + (now - bucket.at) * ratePerMs >= this.perMinute) this.buckets.delete(key);
    }
  }
}
