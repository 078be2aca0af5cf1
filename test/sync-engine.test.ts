// The sync engine and the pull in this process, against the real router served on a loopback port
// (createApp, an in-memory server database): what is sent, set aside, postponed, moved and pulled,
// without spawning vlt. test/sync.test.ts keeps the real processes for what a user sees.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createApi } from '../src/cli/sync/client.js';
import { syncOutbox } from '../src/cli/sync/engine.js';
import { pullFromServer } from '../src/cli/sync/pull.js';
import { createThread, pushEntry } from '../src/cli/vault/append.js';
import { openVault, type Sqlite } from '../src/cli/vault/open.js';
import { Outbox } from '../src/cli/vault/outbox.js';
import { Vault } from '../src/cli/vault/vault.js';
import type { Limits } from '../src/server/limits.js';
import { memoryDeps, serveInProcess, userCaller } from './server-helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A server in this process, a user with a token, and that user's API as the CLI makes it. */
async function world(limits: Partial<Limits> = {}) {
  const deps = await memoryDeps(limits);
  const served = await serveInProcess(deps);
  cleanups.push(
    () => served.close(),
    () => deps.db.close(),
  );
  const alice = await userCaller(deps, 'alice');
  return { deps, url: served.url, alice, api: createApi(served.url, alice.token, 5000) };
}

/** A machine: a vault file of its own. */
function machine() {
  const dir = mkdtempSync(join(tmpdir(), 'vlt-engine-'));
  const db = openVault(join(dir, 'vault.db'), { create: true })!;
  cleanups.push(() => {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { db, vault: new Vault(db), outbox: new Outbox(db) };
}

function write(db: Sqlite, slug: string, contents: string[], project = 'app') {
  let threadPk = 0;
  for (const content of contents) {
    const input = { project, slug, content, author: 'agent', server: null };
    threadPk = (
      db.prepare('SELECT 1 FROM threads WHERE project_id = ? AND slug = ?').get(project, slug)
        ? pushEntry(db, input)
        : createThread(db, { ...input, projectName: project })
    ).threadPk;
  }
  return threadPk;
}

const sync = (db: Sqlite, url: string, api: ReturnType<typeof createApi>, options = {}) =>
  syncOutbox(db, api, { server: url, userServer: url }, options);

const onServer = async (w: Awaited<ReturnType<typeof world>>, slug: string, projectId = 'app') =>
  (await w.alice.caller.threads.get({ projectId, threadId: slug, limit: 100 })).entries.map((e) => e.content);

describe('the sync engine against the real router', () => {
  it('drains in batches of at most 100, each thread in order, and a second drain sends nothing', async () => {
    const w = await world();
    const m = machine();
    const contents = Array.from({ length: 250 }, (_, i) => `entry ${i}`);
    const big = write(m.db, 'big', contents);
    write(m.db, 'small', ['one', 'two']);
    const seen: number[] = [];
    const result = await sync(m.db, w.url, w.api, { onSent: (n: number) => seen.push(n) });
    expect(result).toMatchObject({ sent: 252, duplicates: 0, failed: 0, threads: 2 });
    // 100 entries a request at most (the two threads' requests go at once).
    expect(seen.length).toBe(4);
    expect(seen.at(-1)).toBe(252);
    expect(seen.map((n, i) => n - (seen[i - 1] ?? 0)).sort((a, b) => a - b)).toEqual([2, 50, 100, 100]);
    expect(m.outbox.pendingCount()).toBe(0);
    expect(m.outbox.serverSeq(big)).toBe(249);
    expect(
      (await w.alice.caller.threads.get({ projectId: 'app', threadId: 'big', limit: 100 })).entries,
    ).toHaveLength(100);
    expect(await sync(m.db, w.url, w.api)).toMatchObject({ sent: 0, threads: 0 });
  });

  it('sends again what was stored but never acknowledged, as duplicates, doubling nothing', async () => {
    const w = await world();
    const m = machine();
    write(m.db, 't', ['a', 'b', 'c']);
    // The server stored the first two; the answer was lost (the outbox still has them).
    const [a, b] = m.outbox.pendingFor(1, { server: w.url, userServer: w.url });
    await w.api.threads.push.mutate({
      projectId: 'app',
      threadId: 't',
      status: 'active',
      createdAt: new Date(),
      entries: [a!, b!].map((e) => ({
        entryId: e.id,
        sequenceId: e.seq,
        content: e.content,
        author: e.author,
        timestamp: new Date(e.timestamp),
      })),
    });
    expect(await sync(m.db, w.url, w.api)).toMatchObject({ sent: 1, duplicates: 2, failed: 0 });
    expect(await onServer(w, 't')).toEqual(['a', 'b', 'c']);
  });

  it('sets aside an entry the server refuses for itself and sends the rest', async () => {
    const w = await world();
    const m = machine();
    const pk = write(m.db, 't', ['first', 'second', 'third', 'fourth']);
    // One entry the CLI would never write (NUL), as an old vault or another tool might hold.
    m.db.prepare('UPDATE entries SET content = ? WHERE thread_pk = ? AND seq = 1').run('bad \u0000 byte', pk);
    const result = await sync(m.db, w.url, w.api);
    expect(result).toMatchObject({ sent: 3, failed: 1 });
    expect(m.outbox.entries(w.url)).toEqual([
      expect.objectContaining({
        seq: 1,
        state: 'failed',
        lastError: expect.stringMatching(/^BAD_REQUEST: .*NUL/),
      }),
    ]);
    expect(await onServer(w, 't')).toEqual(['first', 'third', 'fourth']);
  });

  it('splits a batch the server finds too large, and sets aside an entry over its content limit', async () => {
    const w = await world({ bodyBytes: 60_000, contentBytes: 25_000, batchEntries: 2 });
    const m = machine();
    const long = (i: number) => `${i} ${'x'.repeat(15_000)}`;
    write(m.db, 't', [long(0), long(1), long(2), long(3), `4 ${'y'.repeat(30_000)}`, 'last']);
    const result = await sync(m.db, w.url, w.api);
    expect(result).toMatchObject({ sent: 5, failed: 1 });
    expect(m.outbox.entries(w.url)[0]).toMatchObject({
      seq: 4,
      state: 'failed',
      lastError: expect.stringMatching(/over the content limit of 25000 bytes/),
    });
  });

  it('stops at an unreachable server or a refused token, keeping every entry, one attempt more', async () => {
    const w = await world();
    const m = machine();
    write(m.db, 't', ['a', 'b']);
    const closed = await new Promise<number>((resolve) => {
      const probe = createServer().listen(0, '127.0.0.1', () => {
        const port = (probe.address() as { port: number }).port;
        probe.close(() => resolve(port));
      });
    });
    const down = `http://127.0.0.1:${closed}`;
    const unreachable = await syncOutbox(m.db, createApi(down, w.alice.token, 2000), {
      server: down,
      userServer: down,
    });
    expect(unreachable.stop).toMatchObject({
      kind: 'retryable',
      message: 'server unreachable (connection refused)',
    });
    const refused = await sync(m.db, w.url, createApi(w.url, `${w.alice.token}x`, 2000));
    expect(refused.stop?.kind).toBe('unauthorized');
    expect(m.outbox.entries(w.url).map((e) => [e.state, e.attempts])).toEqual([
      ['pending', 2],
      ['pending', 2],
    ]);
    expect(await sync(m.db, w.url, w.api)).toMatchObject({ sent: 2 });
  });

  it('stops when the time budget or the push rate runs out, leaving the rest pending', async () => {
    const w = await world({ pushPerMinute: 1 });
    const m = machine();
    write(m.db, 'one', ['a']);
    write(m.db, 'two', ['b']);
    expect(await sync(m.db, w.url, w.api, { deadline: Date.now() - 1 })).toMatchObject({
      sent: 0,
      stop: { kind: 'deadline' },
    });
    const limited = await sync(m.db, w.url, w.api);
    expect(limited).toMatchObject({ sent: 1, stop: { kind: 'retryable' } });
    expect(limited.stop?.message).toMatch(/too many pushes: over 1 a minute for this token/);
    expect(m.outbox.pendingCount()).toBe(1);
  });

  it('sends a move and a status before the thread’s entries; a refused move holds them until moved elsewhere', async () => {
    const w = await world();
    const m = machine();
    write(m.db, 'plan', ['goal']);
    write(m.db, 'plan', ['taken place'], 'ops');
    await sync(m.db, w.url, w.api);
    // Moved where the server has another thread of the name: refused, the entries wait.
    const plan = m.vault.requireThread('app', 'plan');
    m.vault.moveThread(plan, 'web', w.url);
    m.vault.setStatus(m.vault.requireThread('web', 'plan'), 'blocked', w.url);
    write(m.db, 'plan', ['after the move'], 'web');
    const moved = await sync(m.db, w.url, w.api);
    expect(moved).toMatchObject({ moved: 1, changed: 1, sent: 1 });
    expect(await onServer(w, 'plan', 'web')).toEqual(['goal', 'after the move']);
    expect((await w.alice.caller.threads.list({ projectId: 'web' })).threads[0]!.status).toBe('blocked');

    m.vault.moveThread(m.vault.requireThread('web', 'plan'), 'ops-2', w.url);
    // Another machine took ops-2/plan on the server meanwhile.
    await w.alice.caller.threads.push({
      projectId: 'ops-2',
      threadId: 'plan',
      status: 'active',
      createdAt: new Date(),
      entries: [
        {
          entryId: '01900000-0000-7000-8000-00000000e001',
          sequenceId: 0,
          content: 'other machine',
          author: 'b',
          timestamp: new Date(),
        },
      ],
    });
    write(m.db, 'plan', ['waits with the move'], 'ops-2');
    const refused = await sync(m.db, w.url, w.api);
    expect(refused).toMatchObject({ moved: 0, failed: 1 });
    expect(m.outbox.changes(w.url)[0]).toMatchObject({
      state: 'failed',
      lastError: expect.stringMatching(/^CONFLICT/),
    });
    m.vault.moveThread(m.vault.requireThread('ops-2', 'plan'), 'free', w.url);
    expect(await sync(m.db, w.url, w.api)).toMatchObject({ moved: 1, sent: 1 });
    expect(await onServer(w, 'plan', 'free')).toEqual(['goal', 'after the move', 'waits with the move']);
  });
});

describe('the pull against the real router', () => {
  it('brings a second machine the first one’s threads, once, and renumbers its own unacknowledged entries after them', async () => {
    const w = await world();
    const one = machine();
    const two = machine();
    write(one.db, 'shared', ['one 0', 'one 1']);
    await sync(one.db, w.url, w.api);
    const first = await pullFromServer(two.db, w.api, w.url);
    expect(first).toMatchObject({ received: 2, added: 2, threads: 1 });
    expect(await pullFromServer(two.db, w.api, w.url)).toMatchObject({ received: 0 });

    // Both write to the thread; one syncs first, two pulls: its entry goes after the server's.
    write(one.db, 'shared', ['one 2']);
    write(two.db, 'shared', ['two 2']);
    await sync(one.db, w.url, w.api);
    const crossed = await sync(two.db, w.url, w.api);
    expect(crossed.failed).toBe(1);
    expect(await pullFromServer(two.db, w.api, w.url)).toMatchObject({ added: 1, renumbered: 1 });
    expect(await sync(two.db, w.url, w.api)).toMatchObject({ sent: 1, failed: 0 });
    await pullFromServer(one.db, w.api, w.url);
    const contents = (db: Sqlite) =>
      (db.prepare('SELECT content FROM entries ORDER BY seq').all() as { content: string }[]).map(
        (r) => r.content,
      );
    expect(contents(one.db)).toEqual(['one 0', 'one 1', 'one 2', 'two 2']);
    expect(contents(two.db)).toEqual(contents(one.db));
    expect(await onServer(w, 'shared')).toEqual(contents(one.db));
  });

  it('counts the threads that got new entries, not those whose own entries came back', async () => {
    const w = await world();
    const one = machine();
    const two = machine();
    write(one.db, 'mine', ['m0', 'm1']);
    write(two.db, 'theirs', ['t0']);
    await sync(one.db, w.url, w.api);
    await sync(two.db, w.url, w.api);
    expect(await pullFromServer(one.db, w.api, w.url)).toMatchObject({ received: 3, added: 1, threads: 1 });
  });

  it('follows moves and statuses made elsewhere, and leaves a clash for the user', async () => {
    const w = await world();
    const one = machine();
    const two = machine();
    write(one.db, 'a', ['a 0']);
    write(one.db, 'b', ['b 0']);
    await sync(one.db, w.url, w.api);
    await pullFromServer(two.db, w.api, w.url);
    await w.alice.caller.threads.move({ projectId: 'app', threadId: 'a', toProjectId: 'ops' });
    await w.alice.caller.threads.setStatus({ projectId: 'app', threadId: 'b', status: 'archived' });
    // This machine has a thread of its own where the server moves b next.
    write(two.db, 'b', ['local b'], 'web');
    await w.alice.caller.threads.move({ projectId: 'app', threadId: 'b', toProjectId: 'web' });
    const pulled = await pullFromServer(two.db, w.api, w.url);
    expect(pulled).toMatchObject({ moved: 1, statuses: 1 });
    expect(two.vault.findThread('ops', 'a')).toBeDefined();
    expect(two.vault.requireThread('app', 'b').status).toBe('archived');
    expect(two.outbox.changes(w.url)).toEqual([
      expect.objectContaining({
        thread: 'b',
        state: 'failed',
        lastError: expect.stringMatching(
          /^CONFLICT: the server moved app\/b to web, where this vault has another thread b/,
        ),
      }),
    ]);
  });
});
