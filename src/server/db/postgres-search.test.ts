// The server's PostgreSQL search: the per-user lexeme counts that the entry_terms triggers keep
// (migration 0008) stay those of the entries as they are, through pushes, edits, deletions, a
// thread deleted and another user's entries; the Oracle's document counts read them.
import { sql } from 'drizzle-orm';
import { beforeEach, describe, expect, it } from 'vitest';
import { entriesFor, memoryDeps, TEST_ENGINE, userCaller } from '../../../test/server-helpers.js';
import { uuidv7 } from '../../shared/uuidv7.js';
import type { ServerDeps } from '../context.js';

const thread = { projectId: 'app', threadId: 'auth', status: 'active' as const, createdAt: new Date() };

describe.skipIf(TEST_ENGINE === 'sqlite')('lexeme counts on PostgreSQL', () => {
  let deps: ServerDeps;
  beforeEach(async () => {
    deps = await memoryDeps();
  });

  /** The counts kept, and the counts of the entries as they are now, for one user. */
  const both = async (userId: string) => {
    const kept = await deps.db.all<{ lexeme: string; df: number }>(sql`
      SELECT lexeme, df FROM entry_terms WHERE user_id = ${userId} AND df <> 0 ORDER BY lexeme`);
    const actual = await deps.db.all<{ lexeme: string; df: number }>(sql`
      SELECT substr(l, 13) COLLATE "C" AS lexeme, CAST(count(*) AS INTEGER) AS df
      FROM entries e, unnest(tsvector_to_array(e.content_tsv)) AS l
      WHERE e.user_id = ${userId} GROUP BY 1 ORDER BY 1`);
    return { kept: kept.map((r) => [r.lexeme, Number(r.df)]), actual: actual.map((r) => [r.lexeme, r.df]) };
  };

  it('follow pushes, edits, deletions and a deleted thread, per user', async () => {
    const alice = await userCaller(deps, 'alice');
    const bob = await userCaller(deps, 'bob');
    const pushed = entriesFor(0, 3, 'token rotation every night');
    await alice.caller.threads.push({ ...thread, entries: pushed });
    await alice.caller.threads.push({
      ...thread,
      threadId: 'other',
      entries: entriesFor(0, 1, 'tokenbucket splits words'),
    });
    await bob.caller.threads.push({ ...thread, entries: entriesFor(0, 2, 'token for bob only') });
    let counts = await both(alice.user.id);
    expect(counts.kept).toEqual(counts.actual);
    expect(Object.fromEntries(counts.kept)).toMatchObject({ token: 4, rotat: 4, night: 4, tokenbucket: 2 });

    // The Oracle's counts: a word, a prefix (the sum over its lexemes, as FTS5's vocabulary), none.
    const read = (text: string, prefix: boolean) =>
      deps.db.search.documentCounts(alice.user.id, [{ text, prefix }]);
    expect((await read('token', false)).counts).toEqual([4]);
    expect((await read('token', true)).counts).toEqual([6]);
    expect((await read('tokens', false)).counts).toEqual([4]);
    expect((await read('absent', true)).counts).toEqual([0]);
    expect((await read('the', false)).counts).toEqual([0]);
    // A prefix ending in a letter beyond ASCII.
    await alice.caller.threads.push({ ...thread, threadId: 'cafe', entries: entriesFor(0, 1, 'café crème') });
    expect((await read('café', true)).counts).toEqual([2]);
    expect((await read('caf', true)).counts).toEqual([2]);
    // Several terms at once (the words in one statement, a phrase apart), each in its place.
    const together = await deps.db.search.documentCounts(alice.user.id, [
      { text: 'the', prefix: false },
      { text: 'token', prefix: true },
      { text: 'token rotation', prefix: false },
      { text: 'absent', prefix: false },
      { text: 'café', prefix: false },
      { text: 'token', prefix: false },
    ]);
    expect(together.counts).toEqual([0, 6, 4, 0, 2, 4]);
    // A word the parser splits is counted 0 (as on SQLite), not as its first part.
    expect((await read('token_rotation', false)).counts).toEqual([0]);

    // An edit takes its old words away and adds the new; a deletion takes them all.
    await alice.caller.threads.editEntry({
      entryId: pushed[0]!.entryId,
      revisionId: uuidv7(),
      content: 'rotation moved to the morning',
      at: new Date(),
    });
    await alice.caller.threads.deleteEntry({
      entryId: pushed[1]!.entryId,
      revisionId: uuidv7(),
      at: new Date(),
    });
    counts = await both(alice.user.id);
    expect(counts.kept).toEqual(counts.actual);
    expect((await read('token', false)).counts).toEqual([2]);
    expect((await read('morning', false)).counts).toEqual([1]);

    // A thread deleted takes its entries' words.
    await alice.caller.threads.delete({ projectId: 'app', threadId: 'other' });
    counts = await both(alice.user.id);
    expect(counts.kept).toEqual(counts.actual);
    expect((await read('token', true)).counts).toEqual([2]);

    // Bob's counts are his own, untouched by Alice's changes.
    const bobs = await both(bob.user.id);
    expect(bobs.kept).toEqual(bobs.actual);
    expect(Object.fromEntries(bobs.kept)).toMatchObject({ token: 3, bob: 3 });
  });
});

describe.skipIf(!TEST_ENGINE.startsWith('postgres'))('connections to PostgreSQL', () => {
  it('plan without parallel workers, on every connection of the pool', async () => {
    const deps = await memoryDeps();
    // Several at once, so that the pool opens more than one connection.
    const settings = await Promise.all(
      Array.from({ length: 4 }, () =>
        deps.db.get<{ workers: string; pid: number }>(
          sql`SELECT current_setting('max_parallel_workers_per_gather') AS workers, pg_backend_pid() AS pid,
                     pg_sleep(0.05) AS slept`,
        ),
      ),
    );
    expect(settings.map((s) => s?.workers)).toEqual(['0', '0', '0', '0']);
    expect(new Set(settings.map((s) => s?.pid)).size).toBeGreaterThan(1);
  });
});
