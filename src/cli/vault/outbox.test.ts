// The outbox module's operations on a real vault file: what waits, for which server, and what a
// server's answer changes.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createThread, pushEntry } from './append.js';
import { openVault, type Sqlite } from './open.js';
import { Outbox } from './outbox.js';
import { Vault } from './vault.js';

const MINE = 'http://mine.example:8000';
const OTHER = 'https://other.example';
const to = (server: string) => ({ server, userServer: MINE });

let dir: string;
let db: Sqlite;
let outbox: Outbox;
let vault: Vault;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vlt-outbox-'));
  db = openVault(join(dir, 'vault.db'), { create: true })!;
  outbox = new Outbox(db);
  vault = new Vault(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A thread of `count` entries written for `server` (null: the user's own server). */
function thread(slug: string, count: number, server: string | null = null) {
  const first = createThread(db, {
    project: 'app',
    slug,
    content: `${slug} 0`,
    author: 'a',
    server,
    projectName: 'app',
  });
  const entries = [first];
  for (let i = 1; i < count; i++) {
    entries.push(pushEntry(db, { project: 'app', slug, content: `${slug} ${i}`, author: 'a', server }));
  }
  return { pk: first.threadPk, entries };
}

describe('entries waiting for a server', () => {
  it('queues each entry with the server in force, and hands each server only its own', () => {
    const mine = thread('mine', 2);
    const other = thread('other', 3, OTHER);
    expect(outbox.pendingCount()).toBe(5);
    expect(outbox.queuedServers(MINE).sort()).toEqual([OTHER, MINE].sort());
    expect(outbox.pendingFor(mine.pk, to(MINE)).map((e) => e.seq)).toEqual([0, 1]);
    expect(outbox.pendingFor(mine.pk, to(OTHER))).toEqual([]);
    expect(outbox.pendingFor(other.pk, to(OTHER)).map((e) => e.content)).toEqual([
      'other 0',
      'other 1',
      'other 2',
    ]);
    expect(outbox.byServer(MINE)).toEqual([
      { url: MINE, pending: 2, failed: 0 },
      { url: OTHER, pending: 3, failed: 0 },
    ]);
    expect(outbox.sending(to(MINE)).map((t) => t.slug)).toEqual(['mine']);
  });

  it('acknowledges in one step: the rows go, the watermark is the server’s', () => {
    const t = thread('t', 3);
    const [first, second] = outbox.pendingFor(t.pk, to(MINE));
    outbox.acknowledge(t.pk, [first!.entry_pk, second!.entry_pk], 1);
    expect(outbox.pendingFor(t.pk, to(MINE)).map((e) => e.seq)).toEqual([2]);
    expect(outbox.serverSeq(t.pk)).toBe(1);
    expect(outbox.onServer(t.pk)).toBe(true);
    expect(outbox.isQueued(t.entries[2]!.entryId)).toBe(true);
    expect(outbox.isQueued(t.entries[0]!.entryId)).toBe(false);
  });

  it('sets a refused entry aside with its reason, postpones the others, and retries on demand', () => {
    const t = thread('t', 3);
    const [a, b, c] = outbox.pendingFor(t.pk, to(MINE));
    outbox.setAside(a!.entry_pk, 'CONFLICT: taken');
    // Another process's batch held `a` too, and its request timed out: `a`'s refusal stands.
    outbox.postpone([a!.entry_pk, b!.entry_pk, c!.entry_pk], 'server unreachable');
    expect(outbox.entries(MINE).map((e) => [e.seq, e.state, e.attempts, e.lastError])).toEqual([
      [1, 'pending', 1, 'server unreachable'],
      [2, 'pending', 1, 'server unreachable'],
      [0, 'failed', 1, 'CONFLICT: taken'],
    ]);
    outbox.retry(t.pk, 'conflicts');
    expect(outbox.pendingCount()).toBe(3);
  });

  it('requeues what the server lost, above its watermark, once', () => {
    const t = thread('t', 4);
    outbox.acknowledge(
      t.pk,
      outbox.pendingFor(t.pk, to(MINE)).map((e) => e.entry_pk),
      3,
    );
    expect(outbox.requeue(t.pk, MINE, 1)).toBe(2);
    expect(outbox.requeue(t.pk, MINE, 1)).toBe(0);
    expect(outbox.pendingFor(t.pk, to(MINE)).map((e) => e.seq)).toEqual([2, 3]);
  });

  it('hands out the first pending entries in sequence order, as many as asked for', () => {
    const t = thread('t', 5);
    expect(outbox.pendingFor(t.pk, to(MINE), 2).map((e) => e.seq)).toEqual([0, 1]);
    outbox.acknowledge(t.pk, [outbox.pendingFor(t.pk, to(MINE), 1)[0]!.entry_pk], 0);
    expect(outbox.pendingFor(t.pk, to(MINE), 3).map((e) => e.seq)).toEqual([1, 2, 3]);
    expect(outbox.pendingFor(t.pk, to(MINE)).map((e) => e.seq)).toEqual([1, 2, 3, 4]);
  });

  it("acknowledges without waiting for the disk, and leaves the vault's other commits waiting for it", () => {
    const t = thread('t', 2);
    const synchronous = () => db.pragma('synchronous', { simple: true });
    expect(synchronous()).toBe(2); // FULL
    outbox.acknowledge(t.pk, [outbox.pendingFor(t.pk, to(MINE), 1)[0]!.entry_pk], 0);
    expect(outbox.serverSeq(t.pk)).toBe(0);
    expect(outbox.pendingFor(t.pk, to(MINE)).map((e) => e.seq)).toEqual([1]);
    expect(synchronous()).toBe(2);
    // A failing acknowledgement (the vault refuses the write) restores it too.
    db.exec(
      "CREATE TRIGGER no_marks BEFORE INSERT ON sync_watermarks BEGIN SELECT RAISE(ABORT, 'refused'); END",
    );
    expect(() => outbox.acknowledge(thread('u', 1).pk, [], 0)).toThrow(/refused/);
    expect(synchronous()).toBe(2);
  });

  it('settles the watermark after a pull: up to the first gap or queued entry, never lower', () => {
    const t = thread('t', 4);
    const pending = outbox.pendingFor(t.pk, to(MINE));
    outbox.received(pending[0]!.entry_pk);
    outbox.received(pending[1]!.entry_pk);
    outbox.settleWatermark(t.pk);
    expect(outbox.serverSeq(t.pk)).toBe(1);
    outbox.acknowledge(t.pk, [], 3);
    outbox.settleWatermark(t.pk);
    expect(outbox.serverSeq(t.pk)).toBe(3);
  });
});

describe('thread changes', () => {
  it('records a move of a thread the server has, sends it, and settles', () => {
    const t = thread('t', 1);
    const local = thread('local', 1);
    outbox.acknowledge(t.pk, [outbox.pendingFor(t.pk, to(MINE))[0]!.entry_pk], 0);
    vault.moveThread(vault.requireThread('app', 't'), 'ops', MINE);
    vault.moveThread(vault.requireThread('app', 'local'), 'ops', MINE);
    expect(outbox.changing(to(MINE)).map((c) => [c.slug, c.move_from])).toEqual([['t', 'app']]);
    expect(outbox.serverProject(t.pk, 'ops')).toBe('app');
    expect(outbox.serverProject(local.pk, 'ops')).toBe('ops');
    expect(outbox.changeLeft(t.pk, 'move')).toEqual({ refused: null });
    outbox.moveSent(t.pk, 'ops');
    outbox.settle(t.pk);
    expect(outbox.changeCount()).toBe(0);
    expect(outbox.changeLeft(t.pk, 'move')).toBeUndefined();
  });

  it('a refused move holds the thread’s entries for that server, and waits for the user', () => {
    const t = thread('t', 1);
    outbox.acknowledge(t.pk, [outbox.pendingFor(t.pk, to(MINE))[0]!.entry_pk], 0);
    vault.moveThread(vault.requireThread('app', 't'), 'ops', MINE);
    pushEntry(db, { project: 'ops', slug: 't', content: 'after the move', author: 'a', server: null });
    expect(outbox.refuseChange(t.pk, 'CONFLICT: taken there', to(MINE))).toBe(1);
    expect(outbox.changing(to(MINE))).toEqual([]);
    expect(outbox.changes(MINE)).toEqual([
      expect.objectContaining({ thread: 't', state: 'failed', lastError: 'CONFLICT: taken there' }),
    ]);
    outbox.retryChange(t.pk);
    outbox.retry(t.pk);
    expect(outbox.changing(to(MINE))).toHaveLength(1);
    expect(outbox.pendingCount()).toBe(1);
  });

  it('a status of a synced thread waits to be sent; a status sent and changed again still waits', () => {
    const t = thread('t', 1);
    outbox.acknowledge(t.pk, [outbox.pendingFor(t.pk, to(MINE))[0]!.entry_pk], 0);
    vault.setStatus(vault.requireThread('app', 't'), 'blocked', MINE);
    expect(outbox.statusWaits(t.pk)).toBe(true);
    vault.setStatus(vault.requireThread('app', 't'), 'archived', MINE);
    outbox.statusSent(t.pk, 'blocked');
    expect(outbox.statusWaits(t.pk)).toBe(true);
    outbox.statusSent(t.pk, 'archived');
    outbox.settle(t.pk);
    expect(outbox.statusWaits(t.pk)).toBe(false);
  });

  it('follows the server’s move of a thread this vault moved too, and records a clash', () => {
    const t = thread('t', 1);
    outbox.acknowledge(t.pk, [outbox.pendingFor(t.pk, to(MINE))[0]!.entry_pk], 0);
    vault.moveThread(vault.requireThread('app', 't'), 'ops', MINE);
    expect(outbox.movedAway('app', 't')).toEqual({ pk: t.pk, project: 'ops' });
    // The server moved it elsewhere: this vault's move is sent from there.
    outbox.serverMoved(t.pk, 'web', 'ops');
    expect(outbox.serverProject(t.pk, 'ops')).toBe('web');
    // Then to where it is here: nothing left to send.
    outbox.serverMoved(t.pk, 'ops', 'ops');
    expect(outbox.changeCount()).toBe(0);
    expect(outbox.copyAt('ops', 't')).toEqual({ pk: t.pk, project: 'ops' });
    outbox.serverMoveClashes(t.pk, 'web', 'CONFLICT: clash', MINE);
    expect(outbox.changes(MINE)[0]).toMatchObject({ state: 'failed', lastError: 'CONFLICT: clash' });
  });

  it('keeps pull cursors per key', () => {
    expect(outbox.cursor('pull:x')).toBeUndefined();
    outbox.setCursor('pull:x', 'abc');
    outbox.setCursor('pull:x', 'def');
    expect(outbox.cursor('pull:x')).toBe('def');
  });

  it('reports each thread’s state for listings', () => {
    const t = thread('t', 2);
    thread('quiet', 1);
    outbox.acknowledge(t.pk, [outbox.pendingFor(t.pk, to(MINE))[0]!.entry_pk], 0);
    expect(outbox.threadStates().get(t.pk)).toEqual({
      serverSeq: 0,
      pending: 1,
      failed: 0,
      serverProject: 'app',
      changing: false,
    });
  });
});
