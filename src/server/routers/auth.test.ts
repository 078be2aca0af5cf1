// Accounts, sessions and tokens through the router on an in-memory database.
import { sql } from 'drizzle-orm';
import { TRPCError } from '@trpc/server';
import { beforeEach, describe, expect, it } from 'vitest';
import { callerWith, memoryDeps, sessionCaller, userCaller } from '../../../test/server-helpers.js';
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
    const alice = await sessionCaller(deps, 'alice');
    await deps.accounts.createToken(alice.user.id, 'test');
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
    const alice = await sessionCaller(deps, 'alice');
    const created = await alice.caller.tokens.create({ name: 'short', expiresDays: 1 });
    await deps.db.run(
      sql`UPDATE api_tokens SET expires_at = '2000-01-01T00:00:00.000Z' WHERE id = ${created.id}`,
    );
    expect((await failure(callerWith(deps, { bearer: created.token }).auth.me())).code).toBe('UNAUTHORIZED');
  });
});

describe('what an API token may not do', () => {
  it('cannot create or revoke tokens (a stolen token mints no permanent one); a session can', async () => {
    const alice = await userCaller(deps, 'alice');
    const create = await failure(alice.caller.tokens.create({ name: 'forever' }));
    expect([create.code, create.message]).toEqual([
      'FORBIDDEN',
      'an API token cannot manage tokens: sign in to the web UI (Settings) to do this',
    ]);
    expect((await failure(alice.caller.tokens.revoke({ id: alice.tokenId }))).code).toBe('FORBIDDEN');
    expect((await alice.caller.tokens.list()).tokens).toHaveLength(1);
    const { secret } = await deps.accounts.createSession(alice.user.id);
    const web = callerWith(deps, { sessionSecret: secret });
    await web.tokens.revoke({ id: alice.tokenId });
    expect((await failure(alice.caller.auth.me())).code).toBe('UNAUTHORIZED');
  });
});

describe('login attempts', () => {
  it('counts each attempt before the password is checked: concurrent guesses get no more than the limit', async () => {
    await callerWith(deps).auth.signup({ username: 'alice', password: 'long enough pw' });
    // 39 wrong passwords and the right one, all at once (as in one batch or 40 connections).
    const guesses = Array.from({ length: 40 }, (_, i) =>
      i === 20 ? 'long enough pw' : `wrong password ${i}`,
    );
    const outcomes = await Promise.all(
      guesses.map((password) =>
        callerWith(deps, { address: '10.0.0.1' })
          .auth.login({ username: 'alice', password })
          .then(
            () => 'OK',
            (error: TRPCError) => error.code,
          ),
      ),
    );
    const checked = outcomes.filter((o) => o !== 'TOO_MANY_REQUESTS');
    // loginPerUser is 3 here: three passwords were checked at most, whatever their order.
    expect(checked.length).toBeLessThanOrEqual(3);
    expect(outcomes.filter((o) => o === 'TOO_MANY_REQUESTS').length).toBeGreaterThanOrEqual(37);
  });

  it('a correct login takes back only its own attempt', async () => {
    await callerWith(deps).auth.signup({ username: 'alice', password: 'long enough pw' });
    const from = callerWith(deps, { address: '10.0.0.1' });
    await failure(from.auth.login({ username: 'alice', password: 'wrong one' }));
    await failure(from.auth.login({ username: 'alice', password: 'wrong two' }));
    await from.auth.login({ username: 'alice', password: 'long enough pw' });
    // The two failures still count: one more, and the limit of 3 is reached.
    await failure(from.auth.login({ username: 'alice', password: 'wrong three' }));
    expect((await failure(from.auth.login({ username: 'alice', password: 'long enough pw' }))).code).toBe(
      'TOO_MANY_REQUESTS',
    );
  });

  it('guessing from one address does not lock the user out elsewhere', async () => {
    await callerWith(deps).auth.signup({ username: 'alice', password: 'long enough pw' });
    const attacker = callerWith(deps, { address: '203.0.113.9' });
    for (let i = 0; i < 3; i++)
      await failure(attacker.auth.login({ username: 'alice', password: `wrong guess ${i}` }));
    const limited = await failure(attacker.auth.login({ username: 'alice', password: 'long enough pw' }));
    expect([limited.code, limited.message]).toEqual([
      'TOO_MANY_REQUESTS',
      expect.stringMatching(/^too many failed logins for this user: try again in \d+ (s|min)$/),
    ]);
    const alice = callerWith(deps, { address: '198.51.100.7' });
    expect((await alice.auth.login({ username: 'alice', password: 'long enough pw' })).user.username).toBe(
      'alice',
    );
  });

  it('stops guessing from an address across users, without locking those users out elsewhere', async () => {
    for (const name of ['alice', 'bob', 'carol']) {
      await callerWith(deps).auth.signup({ username: name, password: 'long enough pw' });
    }
    const office = callerWith(deps, { address: '192.0.2.1' });
    for (let i = 0; i < 5; i++) {
      await failure(
        office.auth.login({ username: ['alice', 'bob', 'carol'][i % 3]!, password: `wrong guess ${i}` }),
      );
    }
    const limited = await failure(office.auth.login({ username: 'bob', password: 'long enough pw' }));
    expect(limited.message).toMatch(/^too many failed logins from this address/);
    expect(
      (
        await callerWith(deps, { address: '192.0.2.2' }).auth.login({
          username: 'bob',
          password: 'long enough pw',
        })
      ).user.username,
    ).toBe('bob');
  });
});

describe('sign-up policy', () => {
  it('by default only the first user signs up; then the operator adds users', async () => {
    const closedDeps = await memoryDeps({}, undefined, undefined, { signup: 'first-user' });
    await callerWith(closedDeps, { address: '10.0.0.1' }).auth.signup({
      username: 'admin',
      password: 'long enough pw',
    });
    const second = await failure(
      callerWith(closedDeps, { address: '10.0.0.2' }).auth.signup({
        username: 'mallory',
        password: 'long enough pw',
      }),
    );
    expect([second.code, second.message]).toEqual([
      'FORBIDDEN',
      'sign-up is closed on this server: ask its operator for an account (`vlt-server user add`), or to set VLT_SERVER_SIGNUP=open',
    ]);
    expect(await closedDeps.accounts.userByName('mallory')).toBeUndefined();
  });

  it('two sign-ups at once on an empty server make one account', async () => {
    const closedDeps = await memoryDeps({}, undefined, undefined, { signup: 'first-user' });
    const outcomes = await Promise.all(
      ['first', 'second', 'third'].map((username, i) =>
        callerWith(closedDeps, { address: `10.0.0.${i}` })
          .auth.signup({ username, password: 'long enough pw' })
          .then(
            () => 'OK',
            (error: TRPCError) => error.code,
          ),
      ),
    );
    expect(outcomes.sort()).toEqual(['FORBIDDEN', 'FORBIDDEN', 'OK']);
  });

  it('closed: no one signs up through the API', async () => {
    const closedDeps = await memoryDeps({}, undefined, undefined, { signup: 'closed' });
    expect(
      (await failure(callerWith(closedDeps).auth.signup({ username: 'first', password: 'long enough pw' })))
        .code,
    ).toBe('FORBIDDEN');
  });

  it('open: anyone signs up, a few an hour from one address', async () => {
    const openDeps = await memoryDeps({ signupPerAddress: 2 });
    const from = callerWith(openDeps, { address: '10.9.9.9' });
    await from.auth.signup({ username: 'one', password: 'long enough pw' });
    await from.auth.signup({ username: 'two', password: 'long enough pw' });
    const third = await failure(from.auth.signup({ username: 'three', password: 'long enough pw' }));
    expect([third.code, third.message]).toEqual([
      'TOO_MANY_REQUESTS',
      expect.stringMatching(/^too many sign-ups from this address: try again in \d+ min$/),
    ]);
    await callerWith(openDeps, { address: '10.9.9.10' }).auth.signup({
      username: 'three',
      password: 'long enough pw',
    });
  });
});
