// Group commit on the server's SQLite: transactions that arrive together share one COMMIT, each
// caller hears back only once its work is on disk, and one that fails takes nothing else with it.
import { sql } from 'drizzle-orm';
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { entriesFor, TEST_ENGINE, userCaller } from '../../../test/server-helpers.js';
import { createDeps, type ServerDeps } from '../context.js';
import { DEFAULT_LIMITS } from '../limits.js';
import { openServerDb } from './index.js';
import { userIndex } from './sqlite-search.js';

describe.skipIf(TEST_ENGINE !== 'sqlite')('group commit on SQLite', () => {
  let dir: string;
  let file: string;
  let deps: ServerDeps;
  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'vlt-group-'));
    file = join(dir, 'vlt.db');
    deps = createDeps(await openServerDb(file), DEFAULT_LIMITS, { secret: Buffer.alloc(32, 7) });
  });
  afterEach(async () => {
    await deps.db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Rows another connection sees: what is committed, nothing else. */
  const committed = (table: string) => {
    const other = new Database(file, { readonly: true });
    try {
      return (other.prepare(`SELECT count(*) AS n FROM ${table}`).get() as { n: number }).n;
    } finally {
      other.close();
    }
  };

  it('answers each transaction only once it is committed, and a failing one rolls back alone', async () => {
    await deps.db.run(sql`CREATE TABLE marks (n INTEGER NOT NULL)`);
    const seenAtAnswer: number[] = [];
    const mark = (n: number, fail = false) =>
      deps.db
        .transaction(async (tx) => {
          await tx.run(sql`INSERT INTO marks (n) VALUES (${n})`);
          if (fail) throw new Error(`job ${n} refused`);
          return n;
        })
        .then((value) => {
          seenAtAnswer.push(committed('marks'));
          return value;
        });
    const results = await Promise.allSettled([mark(1), mark(2, true), mark(3), mark(4)]);
    expect(results.map((r) => (r.status === 'fulfilled' ? r.value : (r.reason as Error).message))).toEqual([
      1,
      'job 2 refused',
      3,
      4,
    ]);
    // Every answer came after the work was visible to another connection: on disk.
    expect(seenAtAnswer).toEqual([3, 3, 3]);
    expect((await deps.db.all<{ n: number }>(sql`SELECT n FROM marks ORDER BY n`)).map((r) => r.n)).toEqual([
      1, 3, 4,
    ]);
  });

  it('a query that arrives while a group waits for company reads only committed rows, at once', async () => {
    await deps.db.run(sql`CREATE TABLE marks (n INTEGER NOT NULL)`);
    let read: Promise<{ row: unknown; onDisk: number }> | undefined;
    await deps.db.transaction(async (tx) => {
      await tx.run(sql`INSERT INTO marks (n) VALUES (1)`);
      // Runs after this body, while the writer yields to the event loop before its COMMIT.
      setImmediate(() => {
        read = deps.db
          .get(sql`SELECT count(*) AS n FROM marks`)
          .then((row) => ({ row, onDisk: committed('marks') }));
      });
    });
    await new Promise((resolve) => setImmediate(resolve));
    // Answered from the reading connection before the COMMIT (a read does not wait for a group),
    // and not from the open transaction.
    expect(await read).toEqual({ row: { n: 0 }, onDisk: 0 });
    expect(await deps.db.get(sql`SELECT count(*) AS n FROM marks`)).toEqual({ n: 1 });
  });

  it("a write sent outside a transaction while another request's runs is its own: that one's rollback keeps it", async () => {
    await deps.db.run(sql`CREATE TABLE marks (n INTEGER NOT NULL)`);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let entered!: () => void;
    const inside = new Promise<void>((resolve) => (entered = resolve));
    const refused = deps.db.transaction(async (tx) => {
      await tx.run(sql`INSERT INTO marks (n) VALUES (1)`);
      entered();
      await gate;
      throw new Error('refused');
    });
    // The other request's body waits in its savepoint; this write comes from elsewhere.
    await inside;
    const written = deps.db.run(sql`INSERT INTO marks (n) VALUES (2)`);
    release();
    await expect(refused).rejects.toThrow('refused');
    await written;
    expect(await deps.db.all(sql`SELECT n FROM marks`)).toEqual([{ n: 2 }]);
    expect(committed('marks')).toBe(1);
  });

  it('a statement that writes, sent outside a transaction, goes to the writer', async () => {
    await deps.db.run(sql`CREATE TABLE marks (pk INTEGER PRIMARY KEY, n INTEGER NOT NULL)`);
    expect(await deps.db.get(sql`INSERT INTO marks (n) VALUES (7) RETURNING n`)).toEqual({ n: 7 });
    expect(await deps.db.all(sql`SELECT n FROM marks`)).toEqual([{ n: 7 }]);
    expect(committed('marks')).toBe(1);
  });

  it('pushes that arrive together are all stored and searchable; a refused one among them changes nothing', async () => {
    const alice = await userCaller(deps, 'alice');
    const bob = await userCaller(deps, 'bob');
    const thread = { projectId: 'app', status: 'active' as const, createdAt: new Date() };
    // Bob's second push is refused (his sequence 0 again, with other content).
    await bob.caller.threads.push({ ...thread, threadId: 'b', entries: entriesFor(0, 0, 'first words') });
    const outcomes = await Promise.allSettled([
      alice.caller.threads.push({ ...thread, threadId: 'a1', entries: entriesFor(0, 49, 'group words') }),
      bob.caller.threads.push({
        ...thread,
        threadId: 'b',
        entries: entriesFor(0, 0, 'other words'),
      }),
      alice.caller.threads.push({ ...thread, threadId: 'a2', entries: entriesFor(0, 49, 'group words') }),
    ]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((await alice.caller.threads.search({ query: 'group', limit: 100 })).results).toHaveLength(100);
    expect(committed(userIndex(alice.user.id).table)).toBe(100);
    await bob.caller.threads.push({ ...thread, threadId: 'b', entries: entriesFor(1, 1, 'second words') });
    expect((await bob.caller.threads.search({ query: 'words' })).results).toHaveLength(2);
  });
});
