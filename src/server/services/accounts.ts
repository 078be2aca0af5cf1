// Accounts, web sessions and API tokens. Passwords are scrypt hashes; session and token secrets
// are stored only as HMAC-SHA-256 digests keyed by the server secret (a file beside the database),
// so a leaked database holds nothing that logs anyone in.
import { TRPCError } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { createHmac, randomBytes, randomUUID, scrypt, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { ServerDb } from '../db/index.js';

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
const nowIso = () => new Date().toISOString();
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

interface TokenRow {
  id: string;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}
const TOKEN_COLUMNS = sql.raw(
  'id, name, created_at AS "createdAt", last_used_at AS "lastUsedAt", expires_at AS "expiresAt"',
);

export class Accounts {
  /** `secret` is the server secret: digests are HMACs keyed by it. */
  constructor(
    private readonly db: ServerDb,
    private readonly secret: Buffer,
  ) {}

  private digest(text: string): string {
    return createHmac('sha256', this.secret).update(text).digest('hex');
  }

  signupClosed(): TRPCError {
    return new TRPCError({
      code: 'FORBIDDEN',
      message:
        'sign-up is closed on this server: ask its operator for an account (`vlt-server user add`), or to set VLT_SERVER_SIGNUP=open',
    });
  }

  /**
   * Makes an account. With `onlyFirst`, only while the server has no user (the operator's own
   * account); the check and the insert are one transaction, so two at once cannot both be first.
   */
  async signup(username: string, password: string, options: { onlyFirst?: boolean } = {}): Promise<AuthUser> {
    const passwordHash = await hashPassword(password);
    const id = randomUUID();
    const inserted = await this.db.transaction(async (tx) => {
      await this.db.lock(tx, 'signup');
      if (options.onlyFirst && (await tx.get(sql`SELECT 1 AS one FROM users LIMIT 1`))) {
        throw this.signupClosed();
      }
      return tx.get<{ id: string }>(sql`
        INSERT INTO users (id, username, password_hash, created_at) VALUES (${id}, ${username}, ${passwordHash}, ${nowIso()})
        ON CONFLICT DO NOTHING RETURNING id`);
    });
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
    const user = await this.db.get<{ id: string; username: string; passwordHash: string }>(
      sql`SELECT id, username, password_hash AS "passwordHash" FROM users WHERE username = ${username}`,
    );
    if (!user) {
      await verifyPassword(password, await DUMMY_HASH);
      return undefined;
    }
    return (await verifyPassword(password, user.passwordHash))
      ? { id: user.id, username: user.username }
      : undefined;
  }

  async createSession(userId: string): Promise<{ secret: string; expiresAt: string }> {
    const secret = randomSecret();
    const expiresAt = isoIn(SESSION_DAYS);
    await this.db.run(sql`
      INSERT INTO sessions (id_hash, user_id, created_at, expires_at)
      VALUES (${this.digest(secret)}, ${userId}, ${nowIso()}, ${expiresAt})`);
    return { secret, expiresAt };
  }

  async userForSession(secret: string): Promise<AuthUser | undefined> {
    const row = await this.db.get<AuthUser & { expiresAt: string }>(sql`
      SELECT u.id, u.username, s.expires_at AS "expiresAt" FROM sessions s JOIN users u ON u.id = s.user_id
      WHERE s.id_hash = ${this.digest(secret)}`);
    if (!row || row.expiresAt <= nowIso()) return undefined;
    return { id: row.id, username: row.username };
  }

  async deleteSession(secret: string): Promise<void> {
    await this.db.run(sql`DELETE FROM sessions WHERE id_hash = ${this.digest(secret)}`);
  }

  /** A new API token: `vlt_<id>_<secret>`, returned once. */
  async createToken(userId: string, name: string, expiresDays?: number) {
    const id = randomBytes(6).toString('hex');
    const secret = randomSecret();
    const expiresAt = expiresDays === undefined ? null : isoIn(expiresDays);
    const row = await this.db.get<TokenRow>(sql`
      INSERT INTO api_tokens (id, user_id, name, secret_hash, created_at, expires_at)
      VALUES (${id}, ${userId}, ${name}, ${this.digest(secret)}, ${nowIso()}, ${expiresAt})
      RETURNING ${TOKEN_COLUMNS}`);
    return { token: `${TOKEN_PREFIX}_${id}_${secret}`, ...tokenView(row!) };
  }

  async listTokens(userId: string) {
    const rows = await this.db.all<TokenRow>(sql`
      SELECT ${TOKEN_COLUMNS} FROM api_tokens WHERE user_id = ${userId} AND revoked_at IS NULL
      ORDER BY created_at DESC, id`);
    return rows.map(tokenView);
  }

  async revokeToken(userId: string, id: string): Promise<void> {
    const changed = await this.db.run(sql`
      UPDATE api_tokens SET revoked_at = ${nowIso()}
      WHERE id = ${id} AND user_id = ${userId} AND revoked_at IS NULL`);
    if (changed === 0) throw new TRPCError({ code: 'NOT_FOUND', message: `no token ${id}` });
  }

  /** The user and token id for a bearer token, or undefined if it is unknown, revoked or expired. */
  async userForToken(token: string): Promise<(AuthUser & { tokenId: string }) | undefined> {
    const match = /^vlt_([0-9a-f]{12})_([A-Za-z0-9_-]{43})$/.exec(token);
    if (!match) return undefined;
    const [, id, secret] = match as unknown as [string, string, string];
    const row = await this.db.get<{
      userId: string;
      username: string;
      secretHash: string;
      expiresAt: string | null;
      revokedAt: string | null;
      lastUsedAt: string | null;
    }>(sql`
      SELECT u.id AS "userId", u.username, t.secret_hash AS "secretHash", t.expires_at AS "expiresAt",
             t.revoked_at AS "revokedAt", t.last_used_at AS "lastUsedAt"
      FROM api_tokens t JOIN users u ON u.id = t.user_id WHERE t.id = ${id}`);
    if (!row || row.revokedAt) return undefined;
    const now = nowIso();
    if (row.expiresAt && row.expiresAt <= now) return undefined;
    if (!timingSafeEqual(Buffer.from(this.digest(secret)), Buffer.from(row.secretHash))) return undefined;
    // Last use to the minute: one write a minute per token, not one per request.
    // Best effort: a database that cannot be written (a full disk) still lets the token read.
    if (!row.lastUsedAt || Date.parse(row.lastUsedAt) < Date.now() - 60_000) {
      await this.db.run(sql`UPDATE api_tokens SET last_used_at = ${now} WHERE id = ${id}`).catch(() => 0);
    }
    return { id: row.userId, username: row.username, tokenId: id };
  }

  userByName(username: string): Promise<AuthUser | undefined> {
    return this.db.get<AuthUser>(sql`SELECT id, username FROM users WHERE username = ${username}`);
  }

  async pruneSessions(): Promise<void> {
    await this.db.run(sql`DELETE FROM sessions WHERE expires_at <= ${nowIso()}`);
  }
}

function tokenView(row: TokenRow) {
  return {
    id: row.id,
    name: row.name,
    createdAt: new Date(row.createdAt),
    lastUsedAt: row.lastUsedAt ? new Date(row.lastUsedAt) : null,
    expiresAt: row.expiresAt ? new Date(row.expiresAt) : null,
  };
}
