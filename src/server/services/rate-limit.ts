// Rate limits. Login and sign-up attempts are counted in the database (every instance sees the
// same counts) and reserved before the password is checked, so concurrent or batched attempts never
// get more guesses than the limit. Pushes, searches and Oracle calls are token buckets per user or
// token, in memory: per server process.
import { sql } from 'drizzle-orm';
import type { ServerDb } from '../db/index.js';

/** At most `limit` attempts under `key` in `windowMs`. */
export interface AttemptRule {
  key: string;
  limit: number;
  windowMs: number;
}

export type Reservation =
  { ok: true; ids: number[] } | { ok: false; rule: AttemptRule; retryAfterSeconds: number };

export class AttemptLimiter {
  constructor(private readonly db: ServerDb) {}

  /**
   * Counts one attempt under every rule, unless one of them is used up: then nothing is counted and
   * the answer says how long to wait. The rules' keys are locked for the transaction (one at a
   * time on every instance), so two attempts can never both take the last place.
   */
  reserve(rules: AttemptRule[], now = Date.now()): Promise<Reservation> {
    const ordered = [...rules].sort((a, b) => a.key.localeCompare(b.key));
    return this.db.transaction(async (tx) => {
      for (const rule of ordered) await this.db.lock(tx, `attempts:${rule.key}`);
      for (const rule of ordered) {
        const since = new Date(now - rule.windowMs).toISOString();
        const row = await tx.get<{ n: number; first: string | null }>(sql`
          SELECT CAST(count(*) AS INTEGER) AS n, min(at) AS first FROM auth_attempts
          WHERE key = ${rule.key} AND at > ${since}`);
        if ((row?.n ?? 0) >= rule.limit) {
          const first = row?.first ? Date.parse(row.first) : now;
          return {
            ok: false,
            rule,
            retryAfterSeconds: Math.max(1, Math.ceil((first + rule.windowMs - now) / 1000)),
          };
        }
      }
      const at = new Date(now).toISOString();
      const ids: number[] = [];
      for (const rule of ordered) {
        const row = await tx.get<{ pk: number }>(sql`
          INSERT INTO auth_attempts (key, at) VALUES (${rule.key}, ${at}) RETURNING pk`);
        ids.push(row!.pk);
      }
      return { ok: true, ids };
    });
  }

  /** Takes back a reservation (a correct login): only its own attempts, never others'. */
  async release(ids: number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.db.run(
      sql`DELETE FROM auth_attempts WHERE pk IN (${sql.join(
        ids.map((id) => sql`${id}`),
        sql`, `,
      )})`,
    );
  }

  /** Forgets attempts older than `maxWindowMs`: they count for nothing. */
  async prune(maxWindowMs: number, now = Date.now()): Promise<void> {
    await this.db.run(
      sql`DELETE FROM auth_attempts WHERE at <= ${new Date(now - maxWindowMs).toISOString()}`,
    );
  }
}

/**
 * Calls per key (a user, or an API token): a token bucket holding `perMinute` calls, refilled at
 * `perMinute` a minute. In memory: per server process.
 */
export class CallLimiter {
  private readonly buckets = new Map<string, { level: number; at: number }>();

  constructor(readonly perMinute: number) {}

  /** Takes one call for `key`; returns 0 when allowed, else the seconds until one is. */
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
