// Accounts, web sessions and API tokens. Passwords are scrypt hashes; session and token secrets
// are stored only as HMAC-SHA-256 digests keyed by the server secret (a file beside the database),
// so a leaked database holds nothing that logs anyone in.
import { TRPCError } from '@trpc/server';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import { createHmac, randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { ServerDb } from '../db/index.js';
import { apiTokens, sessions, users } from '../db/schema.js';

const scryptAsync = promisify(scrypt) as (
  password: string,
  salt: Buffer,
  keylen: number,
  options: { N: number; r: number; p: number; maxmem: number },
) => Promise<Buffer>;

const SCRYPT = { N: 16384, r: 8, p: 1, keylen: 32 };
export const SESSION_DAYS = 30;
const TOKEN_PREFIX = 'vlt';

export interface AuthUser {
  id: string;
  username: string;
}

const randomSecret = () => randomBytes(32).toString('base64url');
const isoIn = (days: number) => new Date(Date.now() + days * 86_400_000).toISOString();

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scryptAsync(password, salt, SCRYPT.keylen, { ...SCRYPT, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${SCRYPT.N}$${SCRYPT.r}$${SCRYPT.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [kind, n, r, p, salt, hash] = stored.split('$');
  if (kind !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scryptAsync(password, Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return timingSafeEqual(actual, expected);
}

// Verifying against this when the user does not exist keeps both paths equally slow.
const DUMMY_HASH = hashPassword('not-a-real-password');

export class Accounts {
  /** `secret` is the data directory's server secret: digests are HMACs keyed by it. */
  constructor(
    private readonly db: ServerDb,
    private readonly secret: Buffer,
  ) {}

  private digest(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('hex');
  }

  async signup(username: string, password: string): Promise<AuthUser> {
    const passwordHash = await hashPassword(password);
    const id = randomUUID();
    const inserted = this.db.orm
      .insert(users)
      .values({ id, username, passwordHash })
      .onConflictDoNothing()
      .returning({ id: users.id })
      .get();
    if (!inserted) {
      throw new TRPCError({
        code: 'CONFLICT',
        message: `the username '${username}' is taken: choose another`,
      });
    }
    return { id, username };
  }

  /** The user for these credentials, or undefined; never says which part was wrong. */
  async verify(username: string, password: string): Promise<AuthUser | undefined> {
    const user = this.db.orm.select().from(users).where(eq(users.username, username)).get();
    if (!user) {
      await verifyPassword(password, await DUMMY_HASH);
      return undefined;
    }
    return (await verifyPassword(password, user.passwordHash))
      ? { id: user.id, username: user.username }
      : undefined;
  }

  createSession(userId: string): { secret: string; expiresAt: string } {
    const secret = randomSecret();
    const expiresAt = isoIn(SESSION_DAYS);
    this.db.orm
      .insert(sessions)
      .values({ idHash: this.digest(secret), userId, expiresAt })
      .run();
    return { secret, expiresAt };
  }

  userForSession(secret: string): AuthUser | undefined {
    const row = this.db.orm
      .select({ id: users.id, username: users.username, expiresAt: sessions.expiresAt })
      .from(sessions)
      .innerJoin(users, eq(users.id, sessions.userId))
      .where(eq(sessions.idHash, this.digest(secret)))
      .get();
    if (!row || row.expiresAt <= new Date().toISOString()) return undefined;
    return { id: row.id, username: row.username };
  }

  deleteSession(secret: string): void {
    this.db.orm
      .delete(sessions)
      .where(eq(sessions.idHash, this.digest(secret)))
      .run();
  }

  /** A new API token: `vlt_<id>_<secret>`, returned once. */
  createToken(userId: string, name: string, expiresDays?: number) {
    const id = randomBytes(6).toString('hex');
    const secret = randomSecret();
    const row = this.db.orm
      .insert(apiTokens)
      .values({
        id,
        userId,
        name,
        secretHash: this.digest(secret),
        expiresAt: expiresDays === undefined ? null : isoIn(expiresDays),
      })
      .returning()
      .get();
    return { token: `${TOKEN_PREFIX}_${id}_${secret}`, ...tokenView(row) };
  }

  listTokens(userId: string) {
    return this.db.orm
      .select()
      .from(apiTokens)
      .where(and(eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
      .orderBy(desc(apiTokens.createdAt))
      .all()
      .map(tokenView);
  }

  revokeToken(userId: string, id: string): void {
    const result = this.db.orm
      .update(apiTokens)
      .set({ revokedAt: new Date().toISOString() })
      .where(and(eq(apiTokens.id, id), eq(apiTokens.userId, userId), isNull(apiTokens.revokedAt)))
      .run();
    if (result.changes === 0) throw new TRPCError({ code: 'NOT_FOUND', message: `no token ${id}` });
  }

  /** The user and token id for a bearer token, or undefined if it is unknown, revoked or expired. */
  userForToken(token: string): (AuthUser & { tokenId: string }) | undefined {
    const match = /^vlt_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return undefined;
    const [, id, secret] = match as unknown as [string, string, string];
    const row = this.db.orm
      .select({
        userId: users.id,
        username: users.username,
        secretHash: apiTokens.secretHash,
        expiresAt: apiTokens.expiresAt,
        revokedAt: apiTokens.revokedAt,
        lastUsedAt: apiTokens.lastUsedAt,
      })
      .from(apiTokens)
      .innerJoin(users, eq(users.id, apiTokens.userId))
      .where(eq(apiTokens.id, id))
      .get();
    if (!row || row.revokedAt) return undefined;
    const now = new Date().toISOString();
    if (row.expiresAt && row.expiresAt <= now) return undefined;
    if (!timingSafeEqual(Buffer.from(this.digest(secret)), Buffer.from(row.secretHash))) return undefined;
    // Last use to the minute: one write a minute per token, not one per request.
    if (!row.lastUsedAt || Date.parse(row.lastUsedAt) < Date.now() - 60_000) {
      this.db.orm.update(apiTokens).set({ lastUsedAt: now }).where(eq(apiTokens.id, id)).run();
    }
    return { id: row.userId, username: row.username, tokenId: id };
  }

  userByName(username: string): AuthUser | undefined {
    return this.db.orm
      .select({ id: users.id, username: users.username })
      .from(users)
      .where(eq(users.username, username))
      .get();
  }

  pruneSessions(): void {
    this.db.orm
      .delete(sessions)
      .where(sql`${sessions.expiresAt} <= ${new Date().toISOString()}`)
      .run();
  }
}

function tokenView(row: typeof apiTokens.$inferSelect) {
  return {
    id: row.id,
    name: row.name,
    createdAt: new Date(row.createdAt),
    lastUsedAt: row.lastUsedAt ? new Date(row.lastUsedAt) : null,
    expiresAt: row.expiresAt ? new Date(row.expiresAt) : null,
  };
}
