// The router through a caller on an in-memory database: the SPEC's sync rules and listing.
import { TRPCError } from '@trpc/server';
import { getEventListeners } from 'node:events';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { entriesFor, memoryDeps, userCaller } from '../../../test/server-helpers.js';
import type { ServerDeps } from '../context.js';

let deps: ServerDeps;
let alice: Awaited<ReturnType<typeof userCaller>>;
const thread = {
  projectId: 'app',
  threadId: 'auth',
  status: 'active' as const,
  createdAt: new Date('2026-11-24T12:00:00Z'),
};

beforeEach(async () => {
  deps = await memoryDeps();
  alice = await userCaller(deps, 'alice');
});

async function code(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return error instanceof TRPCError ? error.code : String(error);
  }
}

describe('threads.push', () => {
  it('stores entries, is idempotent by entry id, and reports the contiguous watermark', async () => {
    const batch = entriesFor(0, 4);
    expect(await alice.caller.threads.push({ ...thread, entries: batch })).toEqual({
      syncedCount: 5,
      duplicateCount: 0,
      lastSyncedSequence: 4,
    });
    expect(await alice.caller.threads.push({ ...thread, entries: batch })).toEqual({
      syncedCount: 0,
      duplicateCount: 5,
      lastSyncedSequence: 4,
    });
    const got = await alice.caller.threads.get({ projectId: 'app', threadId: 'auth' });
    expect(got.entries.map((e) => e.sequenceId)).toEqual([0, 1, 2, 3, 4]);
    expect(got.entries[0]!.timestamp).toBeInstanceOf(Date);
  });

  it('keeps the watermark below a gap until the gap is filled', async () => {
    const all = entriesFor(0, 5);
    await alice.caller.threads.push({ ...thread, entries: [all[0]!, all[1]!, all[3]!, all[4]!] });
    expect(await alice.caller.threads.syncStatus({ projectId: 'app', threadId: 'auth' })).toMatchObject({
      lastSyncedSequence: 1,
    });
    const filled = await alice.caller.threads.push({ ...thread, entries: [all[2]!, all[5]!] });
    expect(filled.lastSyncedSequence).toBe(5);
  });

  it('refuses a taken sequence with CONFLICT, naming the entry, and stores nothing of the batch', async () => {
    await alice.caller.threads.push({ ...thread, entries: entriesFor(0, 1) });
    const clash = entriesFor(1, 2, 'other machine');
    const error = await alice.caller.threads.push({ ...thread, entries: clash }).catch((e: TRPCError) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('CONFLICT');
    expect((error as TRPCError).message).toMatch(/sequence 1 of app\/auth is taken.*pull/);
    const got = await alice.caller.threads.get({ projectId: 'app', threadId: 'auth' });
    expect(got.entries.map((e) => e.content)).toEqual(['entry 0', 'entry 1']);
  });

  it("keeps the last refusal as the thread's sync error until a push is stored", async () => {
    await alice.caller.threads.push({ ...thread, entries: entriesFor(0, 1) });
    await code(alice.caller.threads.push({ ...thread, entries: entriesFor(1, 1, 'other machine') }));
    const refused = await alice.caller.threads.syncStatus({ projectId: 'app', threadId: 'auth' });
    expect(refused.syncError).toMatch(/^sequence 1 of app\/auth is taken by another entry/);
    await alice.caller.threads.push({ ...thread, entries: entriesFor(2, 2) });
    expect(
      (await alice.caller.threads.syncStatus({ projectId: 'app', threadId: 'auth' })).syncError,
    ).toBeNull();
  });

  it('treats the same entry id with other content as CONFLICT', async () => {
    const [first] = entriesFor(0, 0);
    await alice.caller.threads.push({ ...thread, entries: [first!] });
    expect(
      await code(alice.caller.threads.push({ ...thread, entries: [{ ...first!, content: 'changed' }] })),
    ).toBe('CONFLICT');
  });

  it('enforces batch, content and shape limits with errors that name them', async () => {
    const small = await memoryDeps({ batchEntries: 3, contentBytes: 10 });
    const bob = await userCaller(small, 'bob');
    const tooMany = await bob.caller.threads
      .push({ ...thread, entries: entriesFor(0, 3) })
      .catch((e: TRPCError) => e);
    expect((tooMany as TRPCError).code).toBe('PAYLOAD_TOO_LARGE');
    expect((tooMany as TRPCError).message).toMatch(/at most 3 entries, this one 4: split the batch/);
    const [big] = entriesFor(0, 0);
    const tooBig = await bob.caller.threads
      .push({ ...thread, entries: [{ ...big!, content: 'x'.repeat(11) }] })
      .catch((e: TRPCError) => e);
    expect((tooBig as TRPCError).code).toBe('BAD_REQUEST');
    expect((tooBig as TRPCError).message).toMatch(/11 bytes, over the content limit of 10 bytes/);
    const badId = await bob.caller.threads
      .push({ ...thread, entries: [{ ...big!, entryId: 'not-a-uuid' }] })
      .catch((e: TRPCError) => e);
    expect((badId as TRPCError).code).toBe('BAD_REQUEST');
    expect(
      await code(bob.caller.threads.push({ ...thread, projectId: 'Bad Project', entries: entriesFor(0, 0) })),
    ).toBe('BAD_REQUEST');
    expect(await code(bob.caller.threads.push({ ...thread, entries: [] }))).toBe('BAD_REQUEST');
    const twice = entriesFor(0, 0);
    expect(
      await code(
        bob.caller.threads.push({
          ...thread,
          entries: [twice[0]!, { ...twice[0]!, entryId: entriesFor(0, 0)[0]!.entryId }],
        }),
      ),
    ).toBe('BAD_REQUEST');
  });
});

describe('reading', () => {
  it('lists threads newest first with counts, filters and a cursor', async () => {
    for (let i = 0; i < 5; i++) {
      await alice.caller.threads.push({
        ...thread,
        threadId: `t${i}`,
        projectId: i % 2 ? 'odd' : 'even',
        status: i === 4 ? 'blocked' : 'active',
        entries: entriesFor(0, i).map((e) => ({ ...e, timestamp: new Date(Date.UTC(2026, 0, 1, i)) })),
      });
    }
    const first = await alice.caller.threads.list({ limit: 2 });
    expect(first.threads.map((t) => t.threadId)).toEqual(['t4', 't3']);
    expect(first.threads[0]).toMatchObject({ entryCount: 5, status: 'blocked', lastSyncedSequence: 4 });
    const second = await alice.caller.threads.list({ limit: 2, cursor: first.nextCursor! });
    const third = await alice.caller.threads.list({ limit: 2, cursor: second.nextCursor! });
    expect([...second.threads, ...third.threads].map((t) => t.threadId)).toEqual(['t2', 't1', 't0']);
    expect(third.nextCursor).toBeNull();
    expect((await alice.caller.threads.list({ projectId: 'odd' })).threads.map((t) => t.threadId)).toEqual([
      't3',
      't1',
    ]);
    expect((await alice.caller.threads.list({ status: 'blocked' })).threads.map((t) => t.threadId)).toEqual([
      't4',
    ]);
    // Each thread's newest entry comes with it, cut short when long.
    expect(first.threads[0]!.lastEntry).toMatchObject({ sequenceId: 4, author: 'agent', truncated: false });
    expect(first.threads[0]!.lastEntry!.content).toBe(entriesFor(0, 4)[4]!.content);
    await alice.caller.threads.push({
      ...thread,
      threadId: 't0',
      projectId: 'even',
      entries: [{ ...entriesFor(1, 1)[0]!, content: 'y'.repeat(5000) }],
    });
    const top = (await alice.caller.threads.list({ limit: 1 })).threads[0]!;
    expect(top.threadId).toBe('t0');
    expect(top.lastEntry).toMatchObject({ sequenceId: 1, truncated: true });
    expect(top.lastEntry!.content.length).toBeLessThan(5000);
    // Another user's list holds none of these, and none of their entries.
    const bob = await userCaller(deps, 'bob');
    expect((await bob.caller.threads.list({})).threads).toEqual([]);
    expect(await code(alice.caller.threads.list({ limit: 101 }))).toBe('BAD_REQUEST');
    expect(await code(alice.caller.threads.list({ cursor: 'garbage' }))).toBe('BAD_REQUEST');
    expect((await alice.caller.projects.list()).projects).toEqual([
      expect.objectContaining({ projectId: 'even', threadCount: 3 }),
      expect.objectContaining({ projectId: 'odd', threadCount: 2 }),
    ]);
  });

  it('pages a thread in sequence order', async () => {
    await alice.caller.threads.push({ ...thread, entries: entriesFor(0, 99) });
    await alice.caller.threads.push({ ...thread, entries: entriesFor(100, 149) });
    const seen: number[] = [];
    let cursor: string | undefined;
    do {
      const page = await alice.caller.threads.get({ projectId: 'app', threadId: 'auth', limit: 40, cursor });
      seen.push(...page.entries.map((e) => e.sequenceId));
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
    expect(seen).toEqual(Array.from({ length: 150 }, (_, i) => i));
  });

  it('searches with bm25, highlights, filters, and takes FTS syntax as words', async () => {
    await alice.caller.threads.push({
      ...thread,
      entries: [
        { ...entriesFor(0, 0)[0]!, content: 'JWT access tokens expire after 15 minutes' },
        { ...entriesFor(1, 1)[0]!, content: 'Lunch menu: soup' },
      ],
    });
    await alice.caller.threads.push({
      ...thread,
      projectId: 'infra',
      threadId: 'keys',
      entries: [{ ...entriesFor(0, 0)[0]!, content: 'Rotate JWT signing keys monthly' }],
    });
    const all = await alice.caller.threads.search({ query: 'jwt' });
    expect(all.results).toHaveLength(2);
    expect(all.results[0]!.snippet).toContain('**JWT**');
    expect(
      (await alice.caller.threads.search({ query: 'jwt', projectId: 'infra' })).results.map(
        (r) => r.threadId,
      ),
    ).toEqual(['keys']);
    expect(
      (await alice.caller.threads.search({ query: 'jwt', threadId: 'auth' })).results.map(
        (r) => r.sequenceId,
      ),
    ).toEqual([0]);
    for (const query of ['"jwt', 'jwt AND (', 'NEAR(jwt', 'col:jwt', '*', "jwt' OR 1=1 --"]) {
      expect(await code(alice.caller.threads.search({ query })), query).toBe('OK');
    }
  });

  it('pulls changes since a cursor, and deletes', async () => {
    await alice.caller.threads.push({ ...thread, entries: entriesFor(0, 2) });
    const first = await alice.caller.threads.pull({});
    expect(first.entries.map((e) => [e.projectId, e.threadId, e.sequenceId])).toEqual([
      ['app', 'auth', 0],
      ['app', 'auth', 1],
      ['app', 'auth', 2],
    ]);
    expect((await alice.caller.threads.pull({ cursor: first.cursor })).entries).toEqual([]);
    await alice.caller.threads.push({ ...thread, entries: entriesFor(3, 3) });
    expect(
      (await alice.caller.threads.pull({ cursor: first.cursor })).entries.map((e) => e.sequenceId),
    ).toEqual([3]);
    expect(await alice.caller.threads.delete({ projectId: 'app', threadId: 'auth' })).toEqual({
      deleted: true,
      entries: 4,
    });
    expect(await code(alice.caller.threads.get({ projectId: 'app', threadId: 'auth' }))).toBe('NOT_FOUND');
    expect((await alice.caller.threads.search({ query: 'entry' })).results).toEqual([]);
  });

  it("falls back to the words that are not common in the asker's own entries when none holds them all", async () => {
    // 1,100 of alice's entries say "build": more than commonAt (1,000) of her entries.
    for (let from = 0; from < 1100; from += 100)
      await alice.caller.threads.push({
        ...thread,
        threadId: 'log',
        entries: entriesFor(from, from + 99, 'we shipped build'),
      });
    const [freeze] = entriesFor(0, 0);
    await alice.caller.threads.push({
      ...thread,
      threadId: 'freeze',
      entries: [{ ...freeze!, content: 'no deploys over the holidays' }],
    });
    // No entry holds both words: "build" is left out, not ranked over 1,100 entries.
    const found = (await alice.caller.threads.search({ query: 'build holidays' })).results;
    expect(found.map((r) => r.threadId)).toEqual(['freeze']);
    // Narrowed to a project where "holidays" is not: all the words again, for that project's "build".
    const [arm] = entriesFor(0, 0);
    await alice.caller.threads.push({
      ...thread,
      projectId: 'small',
      threadId: 'ci',
      entries: [{ ...arm!, content: 'the build broke on arm64' }],
    });
    const small = await alice.caller.threads.search({ query: 'build holidays', projectId: 'small' });
    expect(small.results.map((r) => r.threadId)).toEqual(['ci']);
    // Bob's one entry with "build" makes it no common word of his: both words are looked for.
    const bob = await userCaller(deps, 'bob');
    const [met, close] = entriesFor(0, 1);
    await bob.caller.threads.push({
      ...thread,
      entries: [
        { ...met!, content: 'the build is green' },
        { ...close!, content: 'the holidays are close' },
      ],
    });
    expect((await bob.caller.threads.search({ query: 'build holidays' })).results).toHaveLength(2);
  });
});

describe('threads.move', () => {
  it('moves a thread with its entries; search, the watermark and pushes follow it', async () => {
    await alice.caller.threads.push({ ...thread, entries: entriesFor(0, 2, 'cache warmup') });
    expect(
      await alice.caller.threads.move({ projectId: 'app', threadId: 'auth', toProjectId: 'ops' }),
    ).toEqual({ projectId: 'ops', threadId: 'auth', moved: true });
    expect(await code(alice.caller.threads.get({ projectId: 'app', threadId: 'auth' }))).toBe('NOT_FOUND');
    const moved = await alice.caller.threads.get({ projectId: 'ops', threadId: 'auth' });
    expect(moved.entries.map((e) => e.sequenceId)).toEqual([0, 1, 2]);
    expect(moved.thread.lastSyncedSequence).toBe(2);
    // The project filter of search and of the Oracle sees the new place only.
    const search = (projectId: string) =>
      alice.caller.threads.search({ query: 'warmup', projectId }).then((r) => r.results.length);
    expect([await search('ops'), await search('app')]).toEqual([3, 0]);
    const asked = await alice.caller.oracle.ask({ question: 'cache warmup?', projectId: 'ops' });
    expect(asked.sources.map((s) => s.project)).toContain('ops');
    expect((await alice.caller.oracle.ask({ question: 'cache warmup?', projectId: 'app' })).sources).toEqual(
      [],
    );
    // The next push continues the thread where it is now.
    const next = await alice.caller.threads.push({ ...thread, projectId: 'ops', entries: entriesFor(3, 3) });
    expect(next.lastSyncedSequence).toBe(3);
    expect((await alice.caller.projects.list()).projects.map((p) => p.projectId)).toEqual(['ops']);
    // Moving to where it is changes nothing.
    expect(
      await alice.caller.threads.move({ projectId: 'ops', threadId: 'auth', toProjectId: 'ops' }),
    ).toEqual({ projectId: 'ops', threadId: 'auth', moved: false });
  });

  it('refuses a taken place with CONFLICT and an unknown thread with NOT_FOUND, changing nothing', async () => {
    await alice.caller.threads.push({ ...thread, entries: entriesFor(0, 0) });
    await alice.caller.threads.push({ ...thread, projectId: 'ops', entries: entriesFor(0, 0, 'other') });
    const refused = alice.caller.threads.move({ projectId: 'app', threadId: 'auth', toProjectId: 'ops' });
    await expect(refused).rejects.toThrow(/project ops already has a thread auth: move or delete one/);
    expect(await code(refused)).toBe('CONFLICT');
    expect(
      await code(alice.caller.threads.move({ projectId: 'app', threadId: 'nope', toProjectId: 'x' })),
    ).toBe('NOT_FOUND');
    expect(
      await code(alice.caller.threads.move({ projectId: 'app', threadId: 'auth', toProjectId: 'Bad Name' })),
    ).toBe('BAD_REQUEST');
    const threads = (await alice.caller.threads.list({})).threads.map((t) => `${t.projectId}/${t.threadId}`);
    expect(threads.sort()).toEqual(['app/auth', 'ops/auth']);
    expect((await alice.caller.threads.pull({})).changes).toEqual([]);
  });

  it('hands moves to pull in order, after a cursor and for a project on either side', async () => {
    await alice.caller.threads.push({ ...thread, entries: entriesFor(0, 1) });
    const before = await alice.caller.threads.pull({});
    expect(before.changes).toEqual([]);
    await alice.caller.threads.move({ projectId: 'app', threadId: 'auth', toProjectId: 'ops' });
    await alice.caller.threads.move({ projectId: 'ops', threadId: 'auth', toProjectId: 'infra' });
    const after = await alice.caller.threads.pull({ cursor: before.cursor });
    expect(after.entries).toEqual([]);
    expect(after.changes.map((m) => [m.fromProjectId, m.projectId, m.threadId])).toEqual([
      ['app', 'ops', 'auth'],
      ['ops', 'infra', 'auth'],
    ]);
    expect(after.changes[0]!.changedAt).toBeInstanceOf(Date);
    // Entries come under the project they are in now.
    expect((await alice.caller.threads.pull({})).entries.map((e) => e.projectId)).toEqual(['infra', 'infra']);
    expect((await alice.caller.threads.pull({ cursor: after.cursor })).changes).toEqual([]);
    expect((await alice.caller.threads.pull({ projectId: 'app' })).changes).toHaveLength(1);
    expect((await alice.caller.threads.pull({ projectId: 'infra' })).changes).toHaveLength(1);
    expect((await alice.caller.threads.pull({ projectId: 'ops' })).changes).toHaveLength(2);
    // A cursor from before moves were reported (a bare entry number) still works.
    const legacy = Buffer.from('1').toString('base64url');
    expect((await alice.caller.threads.pull({ cursor: legacy })).changes).toHaveLength(2);
  });
});

describe('threads.setStatus', () => {
  it('sets the status, which later pushes leave alone, and hands the change to pull', async () => {
    await alice.caller.threads.push({ ...thread, entries: entriesFor(0, 0) });
    const before = await alice.caller.threads.pull({});
    const key = { projectId: 'app', threadId: 'auth' };
    expect(await alice.caller.threads.setStatus({ ...key, status: 'archived' })).toEqual({
      ...key,
      status: 'archived',
      changed: true,
    });
    expect(await alice.caller.threads.setStatus({ ...key, status: 'archived' })).toMatchObject({
      changed: false,
    });
    // A push (from a machine that has not pulled yet) does not set it back.
    await alice.caller.threads.push({ ...thread, status: 'active', entries: entriesFor(1, 1) });
    expect((await alice.caller.threads.get(key)).thread.status).toBe('archived');
    expect((await alice.caller.threads.list({ status: 'archived' })).threads.map((t) => t.threadId)).toEqual([
      'auth',
    ]);
    const after = await alice.caller.threads.pull({ cursor: before.cursor });
    expect(after.changes.map((c) => [c.projectId, c.threadId, c.fromProjectId, c.status])).toEqual([
      ['app', 'auth', null, 'archived'],
    ]);
    expect(await code(alice.caller.threads.setStatus({ ...key, threadId: 'nope', status: 'active' }))).toBe(
      'NOT_FOUND',
    );
    expect(
      await code(alice.caller.threads.setStatus({ ...key, status: 'done' as unknown as 'active' })),
    ).toBe('BAD_REQUEST');
  });
});

describe('threads.watch', () => {
  it('keeps one abort listener per open subscription however long it waits', async () => {
    await alice.caller.threads.push({ ...thread, entries: entriesFor(0, 0) });
    const controller = new AbortController();
    vi.useFakeTimers();
    try {
      const events = deps.threads.watch(
        alice.user.id,
        { projectId: 'app', threadId: 'auth', afterSequence: 0 },
        controller.signal,
      );
      const next = events.next();
      // Ten minutes of polls with nothing new (1,200 waits of 500 ms).
      for (let i = 0; i < 1200; i++) await vi.advanceTimersByTimeAsync(500);
      expect(getEventListeners(controller.signal, 'abort').length).toBeLessThanOrEqual(1);
      controller.abort();
      await vi.advanceTimersByTimeAsync(0);
      expect(await next).toEqual({ done: true, value: undefined });
      expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('what one user may cost', () => {
  it('limits searches and questions per account and minute, naming the limit', async () => {
    const limited = await memoryDeps({ searchPerMinute: 3, oraclePerMinute: 2 });
    const bob = await userCaller(limited, 'bob');
    for (let i = 0; i < 3; i++) await bob.caller.threads.search({ query: 'anything' });
    const search = await bob.caller.threads.search({ query: 'anything' }).catch((e: TRPCError) => e);
    expect([(search as TRPCError).code, (search as TRPCError).message]).toEqual([
      'TOO_MANY_REQUESTS',
      expect.stringMatching(
        /^too many searches: over 3 a minute for this account \(VLT_LIMIT_SEARCH_PER_MINUTE\); try again in \d+ s$/,
      ),
    ]);
    for (let i = 0; i < 2; i++) await bob.caller.oracle.ask({ question: 'anything?' });
    expect(await code(bob.caller.oracle.ask({ question: 'anything?' }))).toBe('TOO_MANY_REQUESTS');
    // Another account has its own minute.
    const carol = await userCaller(limited, 'carol');
    expect(await code(carol.caller.threads.search({ query: 'anything' }))).toBe('OK');
  });

  it('answers a prefix search from an account with no entries at once, whatever others store', async () => {
    await alice.caller.threads.push({ ...thread, entries: entriesFor(0, 99, 'alpha beta gamma delta') });
    const empty = await userCaller(deps, 'empty');
    const worst = 'abcdefghijklmnopqrstuvwxyz0123456789'
      .split('')
      .map((c) => `${c.repeat(3)}*`)
      .join(' ');
    expect((await empty.caller.threads.search({ query: worst })).results).toEqual([]);
    expect((await empty.caller.oracle.ask({ question: worst })).sources).toEqual([]);
    expect((await alice.caller.threads.search({ query: 'alp* bet*' })).results).toHaveLength(20);
  });
});
