// The server's SQLite search: an index per user, made on the user's first entries (or, after an
// upgrade from the one shared index, on the user's first search), following moves and deletes.
import { sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import Database from 'better-sqlite3';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { callerWith, entriesFor, memoryDeps, TEST_ENGINE, userCaller } from '../../../test/server-helpers.js';
import { createDeps, type ServerDeps } from '../context.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { openServerDb } from './index.js';
import { userIndex } from './sqlite-search.js';
import { RANKED_MATCHES } from '../../shared/fts5.js';

const thread = { projectId: 'app', threadId: 'auth', status: 'active' as const, createdAt: new Date() };

describe.skipIf(TEST_ENGINE !== 'sqlite')('search indexes on SQLite', () => {
  let deps: ServerDeps;
  beforeEach(async () => {
    deps = await memoryDeps();
  });
  const indexes = async () =>
    (
      await deps.db.all<{ name: string }>(
        sql`SELECT name FROM sqlite_master WHERE type = 'table' AND name GLOB 'entries_fts_*' AND name NOT GLOB '*_*_*_*'`,
      )
    ).map((row) => row.name);

  it("keeps each user's entries in an index of their own, made with the user's first entries", async () => {
    const alice = await userCaller(deps, 'alice');
    const bob = await userCaller(deps, 'bob');
    expect(await indexes()).toEqual([]);
    await alice.caller.threads.push({ ...thread, entries: entriesFor(0, 2, 'shared words') });
    await bob.caller.threads.push({ ...thread, entries: entriesFor(0, 0, 'shared words') });
    expect((await indexes()).sort()).toEqual(
      [userIndex(alice.user.id).table, userIndex(bob.user.id).table].sort(),
    );
    expect((await alice.caller.threads.search({ query: 'shared' })).results).toHaveLength(3);
    expect((await bob.caller.threads.search({ query: 'shared' })).results).toHaveLength(1);
  });

  it('builds the index of a user who has entries but none (after an upgrade) on the first search', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'vlt-upgrade-'));
    const file = join(dir, 'vlt.db');
    const secret = randomBytes(32);
    const open = async () => createDeps(await openServerDb(file), DEFAULT_LIMITS, { secret });
    try {
      const before = await open();
      const alice = await before.accounts.signup('alice', 'correct horse battery');
      const { token } = await before.accounts.createToken(alice.id, 'test');
      await callerWith(before, { bearer: token }).threads.push({
        ...thread,
        entries: entriesFor(0, 4, 'upgrade words'),
      });
      await before.db.close();
      // As the upgrade leaves it: entries, and no index of the user's (0006 dropped the shared one).
      const raw = new Database(file);
      raw.exec(`DROP TABLE ${userIndex(alice.id).vocab}; DROP TABLE ${userIndex(alice.id).table}`);
      raw.close();
      const after = await open();
      const results = await callerWith(after, { bearer: token }).threads.search({ query: 'upgrade' });
      expect(results.results.map((r) => r.sequenceId).sort()).toEqual([0, 1, 2, 3, 4]);
      const answer = await callerWith(after, { bearer: token }).oracle.ask({ question: 'upgrade words?' });
      expect(answer.sources.length).toBeGreaterThan(0);
      await after.db.close();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(`ranks the newest ${RANKED_MATCHES} matches of an unscoped search, all of a scoped one`, async () => {
    const alice = await userCaller(deps, 'alice');
    // Five old entries that bm25 ranks best (the word alone), then RANKED_MATCHES newer ones
    // that hold it among other words, in another project.
    await alice.caller.threads.push({
      ...thread,
      projectId: 'old',
      entries: entriesFor(0, 4, 'frequent').map((e) => ({ ...e, content: 'frequent frequent' })),
    });
    for (let from = 0; from < RANKED_MATCHES; from += 100) {
      await alice.caller.threads.push({
        ...thread,
        entries: entriesFor(from, from + 99, 'x').map((e) => ({
          ...e,
          content: `frequent among many other words of a longer entry, number ${e.sequenceId}`,
        })),
      });
    }
    const unscoped = await alice.caller.threads.search({ query: 'frequent', limit: 10 });
    expect(unscoped.results).toHaveLength(10);
    expect(unscoped.results.every((r) => r.projectId === 'app')).toBe(true);
    const scoped = await alice.caller.threads.search({ query: 'frequent', projectId: 'old', limit: 10 });
    expect(scoped.results.map((r) => r.sequenceId).sort()).toEqual([0, 1, 2, 3, 4]);
    // One match fewer than the cap: all are ranked, the old ones first.
    await alice.caller.threads.delete({ projectId: 'app', threadId: 'auth' });
    await alice.caller.threads.push({
      ...thread,
      entries: entriesFor(0, 0, 'x').map((e) => ({ ...e, content: 'frequent among other words' })),
    });
    const all = await alice.caller.threads.search({ query: 'frequent', limit: 5 });
    expect(all.results.map((r) => r.projectId)).toEqual(['old', 'old', 'old', 'old', 'old']);
  });

  it('follows a move and a delete', async () => {
    const alice = await userCaller(deps, 'alice');
    await alice.caller.threads.push({ ...thread, entries: entriesFor(0, 1, 'moving words') });
    await alice.caller.threads.move({ projectId: 'app', threadId: 'auth', toProjectId: 'ops' });
    expect((await alice.caller.threads.search({ query: 'moving', projectId: 'app' })).results).toEqual([]);
    expect((await alice.caller.threads.search({ query: 'moving', projectId: 'ops' })).results).toHaveLength(
      2,
    );
    await alice.caller.threads.delete({ projectId: 'ops', threadId: 'auth' });
    expect((await alice.caller.threads.search({ query: 'moving' })).results).toEqual([]);
    const { n } = (await deps.db.get<{ n: number }>(
      sql.raw(`SELECT count(*) AS n FROM ${userIndex(alice.user.id).table}`),
    ))!;
    expect(n).toBe(0);
  });
});
