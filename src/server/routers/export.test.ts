// threads.export ("Download my data"): the caller's own threads only, paged, in the format `vlt
// import` reads, each thread up to its contiguous watermark.
import { TRPCError } from '@trpc/server';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sandbox, vltInProcess, type Sandbox } from '../../../test/helpers.js';
import { entriesFor, memoryDeps, userCaller } from '../../../test/server-helpers.js';
import { ExportReader } from '../../shared/export-format.js';
import { uuidv7 } from '../../shared/uuidv7.js';
import type { ServerDeps } from '../context.js';

let deps: ServerDeps;
let alice: Awaited<ReturnType<typeof userCaller>>;
let box: Sandbox;
const createdAt = new Date('2026-11-24T12:00:00Z');

beforeEach(async () => {
  deps = await memoryDeps();
  alice = await userCaller(deps, 'alice');
  box = sandbox();
  box.env.VLT_SERVER_URL = 'http://127.0.0.1:9';
  box.env.VLT_NO_RETRIER = '1';
});
afterEach(() => box.cleanup());

async function exportAll(caller: typeof alice.caller, projectId?: string) {
  const lines: string[] = [];
  let cursor: string | undefined;
  let pages = 0;
  do {
    const page = await caller.threads.export({
      ...(cursor ? { cursor } : {}),
      ...(projectId ? { projectId } : {}),
    });
    lines.push(...page.lines);
    cursor = page.nextCursor ?? undefined;
    pages++;
  } while (cursor);
  return { lines, pages };
}

describe('threads.export', () => {
  it("pages the caller's own threads in vlt's format, which vlt import reads back", async () => {
    const big = entriesFor(0, 649, 'big');
    for (let i = 0; i < big.length; i += 100) {
      await alice.caller.threads.push({
        projectId: 'app',
        threadId: 'big',
        createdAt,
        entries: big.slice(i, i + 100),
      });
    }
    const gap = entriesFor(0, 3, 'gap');
    await alice.caller.threads.push({
      projectId: 'infra',
      threadId: 'gap',
      status: 'blocked',
      createdAt,
      entries: [gap[0]!, gap[1]!, gap[3]!],
    });
    const bob = await userCaller(deps, 'bob');
    await bob.caller.threads.push({
      projectId: 'app',
      threadId: 'secret',
      createdAt,
      entries: entriesFor(0, 0),
    });

    const { lines, pages } = await exportAll(alice.caller);
    expect(pages).toBe(2);
    const reader = new ExportReader();
    for (const line of lines) expect(reader.line(line)).toBeUndefined();
    expect(reader.end()).toBeUndefined();
    expect(reader.threads.map((t) => [t.project, t.thread, t.status, t.entries.length])).toEqual([
      ['app', 'big', 'active', 650],
      // Entry 3 waits above the gap: the export stops at the watermark.
      ['infra', 'gap', 'blocked', 2],
    ]);
    expect(reader.threads[0]!.entries.map((e) => e.id)).toEqual(big.map((e) => e.entryId));
    expect(JSON.stringify(lines)).not.toContain('secret');

    // One project only.
    const infra = await exportAll(alice.caller, 'infra');
    expect(infra.lines).toHaveLength(1 + 1 + 2);

    // Into a CLI vault: the same entries.
    const file = join(box.base, 'download.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const imported = await vltInProcess(box, ['import', file, '--no-sync', '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    expect(JSON.parse(imported.stdout)).toMatchObject({ threads: 2, added: 652 });
    const read = await vltInProcess(box, ['thread', 'read', 'infra/gap', '--all', '--json']);
    expect(JSON.parse(read.stdout)).toMatchObject({
      status: 'blocked',
      entries: [
        {
          id: gap[0]!.entryId,
          seq: 0,
          content: 'gap 0',
          author: 'agent',
          timestamp: gap[0]!.timestamp.toISOString(),
        },
        { id: gap[1]!.entryId, seq: 1, content: 'gap 1' },
      ],
    });
  });

  it('a deleted entry travels as a tombstone: exported, imported, pushed to another account, pulled', async () => {
    const three = entriesFor(0, 2, 'kept');
    await alice.caller.threads.push({ projectId: 'app', threadId: 'log', createdAt, entries: three });
    await alice.caller.threads.annotate({ tags: [{ entryId: three[1]!.entryId, tag: 'gone' }], links: [] });
    await alice.caller.threads.deleteEntry({
      entryId: three[1]!.entryId,
      revisionId: uuidv7(),
      at: new Date(),
    });
    // The thread counts the entries one can read, as `vlt thread list` does; its watermark stays.
    const counted = async (who: typeof alice) =>
      (await who.caller.threads.list({})).threads.map((t) => [
        t.threadId,
        t.entryCount,
        t.lastSyncedSequence,
      ]);
    expect(await counted(alice)).toEqual([['log', 2, 2]]);
    const { lines } = await exportAll(alice.caller);
    const middle = JSON.parse(lines[3]!) as Record<string, unknown>;
    expect(middle).toMatchObject({ seq: 1, id: three[1]!.entryId, content: '', deleted: true, tags: [] });
    expect(JSON.parse(lines[2]!)).not.toHaveProperty('deleted');

    // Into a fresh vault: the tombstone keeps its number; read shows the two others.
    const file = join(box.base, 'download.jsonl');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const imported = await vltInProcess(box, ['import', file, '--no-sync', '--json']);
    expect(imported.code, imported.stderr).toBe(0);
    const read = await vltInProcess(box, ['thread', 'read', 'app/log', '--all', '--json']);
    expect((JSON.parse(read.stdout) as { entries: { seq: number }[] }).entries.map((e) => e.seq)).toEqual([
      0, 2,
    ]);
    const again = await vltInProcess(box, ['export']);
    expect(again.stdout.trimEnd().split('\n').slice(1)).toEqual(lines.slice(1));

    // Pushed as such to an account that never had it, and pulled from there: still a tombstone.
    const carol = await userCaller(deps, 'carol');
    const pushed = await carol.caller.threads.push({
      projectId: 'app',
      threadId: 'log',
      createdAt,
      entries: [three[0]!, { ...three[1]!, content: '', deleted: true }, three[2]!],
    });
    expect(pushed).toEqual({ syncedCount: 3, duplicateCount: 0, lastSyncedSequence: 2 });
    expect(await counted(carol)).toEqual([['log', 2, 2]]);
    // Again: duplicates, not a conflict; and alice's own tombstone is a duplicate of her deleted entry.
    expect(
      await carol.caller.threads.push({
        projectId: 'app',
        threadId: 'log',
        createdAt,
        entries: [{ ...three[1]!, content: '', deleted: true }],
      }),
    ).toMatchObject({ syncedCount: 0, duplicateCount: 1 });
    expect(
      await alice.caller.threads.push({
        projectId: 'app',
        threadId: 'log',
        createdAt,
        entries: [{ ...three[1]!, content: '', deleted: true }],
      }),
    ).toMatchObject({ duplicateCount: 1 });
    // An entry exported after an edit comes back with its edited text: the same entry, not a clash.
    await alice.caller.threads.editEntry({
      entryId: three[0]!.entryId,
      revisionId: uuidv7(),
      content: 'kept 0, edited',
      at: new Date(),
    });
    for (const content of ['kept 0, edited', 'kept 0']) {
      expect(
        await alice.caller.threads.push({
          projectId: 'app',
          threadId: 'log',
          createdAt,
          entries: [{ ...three[0]!, content }],
        }),
      ).toMatchObject({ duplicateCount: 1 });
    }
    // An edit and duplicates count nothing more.
    expect(await counted(alice)).toEqual([['log', 2, 2]]);
    const clash = await alice.caller.threads
      .push({
        projectId: 'app',
        threadId: 'log',
        createdAt,
        entries: [{ ...three[0]!, content: 'never its text' }],
      })
      .catch((e: unknown) => e);
    expect((clash as TRPCError).code).toBe('CONFLICT');
    const pulled = await carol.caller.threads.pull({});
    expect(pulled.entries.map((e) => [e.sequenceId, e.content, 'deleted' in e])).toEqual([
      [0, 'kept 0', false],
      [1, '', true],
      [2, 'kept 2', false],
    ]);
    const got = await carol.caller.threads.get({ projectId: 'app', threadId: 'log' });
    expect(got.entries.map((e) => [e.sequenceId, e.deleted])).toEqual([
      [0, false],
      [1, true],
      [2, false],
    ]);
    // Not found by a search; an edit later does not bring it back.
    expect((await carol.caller.threads.search({ query: 'kept' })).results).toHaveLength(2);
    await carol.caller.threads.editEntry({
      entryId: three[1]!.entryId,
      revisionId: uuidv7(),
      content: 'back?',
      at: new Date(),
    });
    const after = await carol.caller.threads.get({ projectId: 'app', threadId: 'log' });
    expect(after.entries[1]).toMatchObject({ deleted: true, content: '' });
    // A tombstone carries no text, and a live entry still needs one.
    for (const entry of [
      { ...three[1]!, entryId: uuidv7(), sequenceId: 3, content: 'text', deleted: true as const },
      { ...three[1]!, entryId: uuidv7(), sequenceId: 3, content: '' },
    ]) {
      const error = await carol.caller.threads
        .push({ projectId: 'app', threadId: 'log', createdAt, entries: [entry] })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TRPCError);
      expect((error as TRPCError).code).toBe('BAD_REQUEST');
      expect((error as TRPCError).message).toMatch(
        /a deleted entry carries no content|entry content is empty/,
      );
    }
  });

  it('starts with the header for a user with nothing, and refuses an invented cursor', async () => {
    const { lines } = await exportAll(alice.caller);
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'vlt-export', version: 1 });
    const error = await alice.caller.threads.export({ cursor: 'bm9wZQ' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
  });
});
