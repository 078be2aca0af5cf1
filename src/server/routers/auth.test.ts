// Accounts, sessions and tokens through the router on an in-memory database.
import { sql } from 'drizzle-orm';
import { TRPCError } from '@trpc/server';
import { beforeEach, describe, expect, it } from 'vitest';
import { callerWith, memoryDeps, userCaller } from '../../../test/server-helpers.js';
import type { ServerDeps } from '../context.js';

let deps: ServerDeps;
beforeEach(async () => {
  deps = await memoryDeps({ loginPerUser: 3, loginPerAddress: 5 });
});

const cookieJar = () => {
  const jar = { value: undefined as string | undefined, cleared: false };
  return { jar, cookies: { set: (v: string) => (jar.value = v), clear: () => (jar.cleared = true) } };
};

async function failure(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof TRPCError)) throw new Error(`expected a TRPCError, got ${String(error)}`);
  return error;
}

describe('auth', () => {
  it('signs up with a session cookie that authenticates, and signs out', async () => {
    const { jar, cookies } = cookieJar();
    const { user } = await callerWith(deps, { cookies }).auth.signup({
      username: 'Alice',
      password: 'long enough pw',
    });
    expect(user.username).toBe('alice');
    expect(jar.value).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const session = callerWith(deps, { sessionSecret: jar.value, cookies });
    expect(await session.auth.me()).toEqual({ user, via: 'session' });
    await session.auth.logout();
    expect(jar.cleared).toBe(true);
    expect((await failure(callerWith(deps, { sessionSecret: jar.value }).auth.me())).code).toBe(
      'UNAUTHORIZED',
    );
  });

  it('refuses an expired session, and pruning removes it', async () => {
    const { jar, cookies } = cookieJar();
    await callerWith(deps, { cookies }).auth.signup({ username: 'alice', password: 'long enough pw' });
    await deps.db.run(sql`UPDATE sessions SET expires_at = '2000-01-01T00:00:00.000Z'`);
    expect((await failure(callerWith(deps, { sessionSecret: jar.value }).auth.me())).code).toBe(
      'UNAUTHORIZED',
    );
    await deps.accounts.pruneSessions();
    expect(await deps.db.get(sql`SELECT CAST(count(*) AS INTEGER) AS n FROM sessions`)).toEqual({ n: 0 });
  });

  it('refuses a taken username and weak input', async () => {
    await callerWith(deps).auth.signup({ username: 'alice', password: 'long enough pw' });
    expect(
      (await failure(callerWith(deps).auth.signup({ username: 'alice', password: 'other password' }))).code,
    ).toBe('CONFLICT');
    const short = await failure(callerWith(deps).auth.signup({ username: 'bob', password: 'short' }));
    expect(short.code).toBe('BAD_REQUEST');
  });

  it('does not tell an unknown user from a wrong password, and limits failed logins', async () => {
    await callerWith(deps).auth.signup({ username: 'alice', password: 'long enough pw' });
    const unknown = await failure(
      callerWith(deps).auth.login({ username: 'nobody', password: 'long enough pw' }),
    );
    const wrong = await failure(
      callerWith(deps).auth.login({ username: 'alice', password: 'wrong password' }),
    );
    expect([unknown.code, unknown.message]).toEqual([wrong.code, wrong.message]);
    await failure(callerWith(deps).auth.login({ username: 'alice', password: 'wrong password' }));
    await failure(callerWith(deps).auth.login({ username: 'alice', password: 'wrong password' }));
    const limited = await failure(
      callerWith(deps).auth.login({ username: 'alice', password: 'long enough pw' }),
    );
    expect(limited.code).toBe('TOO_MANY_REQUESTS');
    // Another user from the same address is still allowed until the per-address limit.
    await callerWith(deps).auth.signup({ username: 'carol', password: 'long enough pw' });
    expect(
      (await callerWith(deps).auth.login({ username: 'carol', password: 'long enough pw' })).user.username,
    ).toBe('carol');
    for (let i = 0; i < 2; i++)
      await failure(callerWith(deps).auth.login({ username: 'carol', password: 'bad bad bad' }));
    expect(
      (await failure(callerWith(deps).auth.login({ username: 'carol', password: 'long enough pw' }))).code,
    ).toBe('TOO_MANY_REQUESTS');
  });

  it('logs the CLI in with a token, and logout revokes that token', async () => {
    await callerWith(deps).auth.signup({ username: 'alice', password: 'long enough pw' });
    const { token } = await callerWith(deps).auth.login({
      username: 'alice',
      password: 'long enough pw',
      token: { name: 'laptop' },
    });
    expect(token?.token).toMatch(/^vlt_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
    const cli = callerWith(deps, { bearer: token!.token });
    expect((await cli.auth.me()).via).toBe('token');
    await cli.auth.logout();
    const after = await failure(callerWith(deps, { bearer: token!.token }).auth.me());
    expect(after.code).toBe('UNAUTHORIZED');
    expect(after.message).toMatch(/invalid, expired or revoked: run `vlt auth login`/);
  });
});

describe('tokens', () => {
  it('creates (secret once), lists with last use, and revokes at once', async () => {
    const alice = await userCaller(deps, 'alice');
    const created = await alice.caller.tokens.create({ name: 'ci agent', expiresDays: 30 });
    expect(created.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 29 * 86_400_000);
    const withNew = callerWith(deps, { bearer: created.token });
    await withNew.auth.me();
    const { tokens } = await alice.caller.tokens.list();
    expect(tokens.map((t) => t.name).sort()).toEqual(['ci agent', 'test']);
    expect(tokens.find((t) => t.name === 'ci agent')!.lastUsedAt).toBeInstanceOf(Date);
    expect(JSON.stringify(tokens)).not.toContain(created.token.slice(17));
    await alice.caller.tokens.revoke({ id: created.id });
    // Each request builds its context anew: the next one with the revoked token is refused.
    expect((await failure(callerWith(deps, { bearer: created.token }).auth.me())).code).toBe('UNAUTHORIZED');
    expect((await failure(alice.caller.tokens.revoke({ id: created.id }))).code).toBe('NOT_FOUND');
  });

  it('stores no usable secret: only keyed digests', async () => {
    const alice = await userCaller(deps, 'alice');
    const secret = alice.token.slice(17);
    const rows = await deps.db.all(sql`SELECT * FROM api_tokens`);
    expect(JSON.stringify(rows)).not.toContain(secret);
    const users = await deps.db.all<{ password_hash: string }>(sql`SELECT password_hash FROM users`);
    expect(users[0]!.password_hash).toMatch(/^scrypt\$16384\$8\$1\$/);
    // The same database with another server secret accepts none of the tokens.
    const other = {
      ...deps,
      accounts: new (deps.accounts.constructor as typeof import('../services/accounts.js').Accounts)(
        deps.db,
        Buffer.alloc(32, 7),
      ),
    };
    expect(await other.accounts.userForToken(alice.token)).toBeUndefined();
  });

  it('refuses an expired token', async () => {
    const alice = await userCaller(deps, 'alice');
    const created = await alice.caller.tokens.create({ name: 'short', expiresDays: 1 });
    await deps.db.run(
      sql`UPDATE api_tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE id = ${created.id}`,
    );
    expect((await failure(callerWith(deps, { bearer: created.token }).auth.me())).code).toBe('UNAUTHORIZED');
  });
});
