// `vlt export` and `vlt import` as real processes: round trips into fresh VLT_HOMEs, idempotence,
// markdown, a refused conflict, hostile files (each refused with its line, nothing written), and
// imported entries reaching a real server. What only sets up or reads back runs in this process
// (the CLI's `runCli`): the filled machine is filled once and copied for each test, the vaults are
// compared through `thread read`, and the syncs and queues read after an import.
import Database from 'better-sqlite3';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { isOneLineError, sandbox, vlt, vltInProcess, type Result, type Sandbox } from './helpers.js';
import { newDataDir, startServer } from './net-helpers.js';
import { syncMachine, tokenOverApi } from './sync-helpers.js';

const boxes: Sandbox[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  for (const box of boxes.splice(0)) box.cleanup();
});

/** A scratch machine that never syncs: nothing listens on port 9. */
function machine(): Sandbox {
  const box = sandbox();
  box.env.VLT_SERVER_URL = 'http://127.0.0.1:9';
  box.env.VLT_NO_RETRIER = '1';
  boxes.push(box);
  return box;
}

const ok = (result: Result) => {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
  return result;
};
const json = <T>(box: Sandbox, args: string[]): T =>
  JSON.parse(ok(vlt(box, [...args, '--json'])).stdout) as T;

type ThreadList = { threads: { project: string; thread: string; entries: number }[] };

/** A command's --json document, the CLI run in this process (to read a vault back, not to test vlt). */
const jsonHere = async <T>(box: Sandbox, args: string[]): Promise<T> =>
  JSON.parse(ok(await vltInProcess(box, [...args, '--json'])).stdout) as T;

/** `thread read --all --json` of every thread of the machine, by name. */
async function everything(box: Sandbox): Promise<Record<string, unknown>> {
  const all: Record<string, unknown> = {};
  for (const t of (await jsonHere<ThreadList>(box, ['thread', 'list', '--all'])).threads) {
    all[`${t.project}/${t.thread}`] = await jsonHere(box, [
      'thread',
      'read',
      `${t.project}/${t.thread}`,
      '--all',
    ]);
  }
  return all;
}

function entryCount(box: Sandbox): number {
  const path = join(box.home, 'vault.db');
  if (!existsSync(path)) return -1;
  const db = new Database(path, { readonly: true });
  const { n } = db.prepare('SELECT count(*) AS n FROM entries').get() as { n: number };
  db.close();
  return n;
}

/**
 * Two projects, several threads: tags, links, a status, markdown, unicode, CRLF and stdin content;
 * written with the CLI in this process (the vault the tests export, not what they test).
 */
async function fill(box: Sandbox) {
  ok(await vltInProcess(box, ['init', '--project', 'My App']));
  ok(await vltInProcess(box, ['thread', 'new', 'auth-refactor', 'Goal: JWT with 90-day expiry']));
  ok(
    await vltInProcess(box, ['thread', 'push', 'auth-refactor', '-'], '- tried cookies\n- blocked by CORS\n'),
  );
  ok(
    await vltInProcess(box, ['thread', 'push', 'auth-refactor', 'décidé: **JWT** ✓ 🎉', '--author', 'alice']),
  );
  ok(await vltInProcess(box, ['thread', 'push', 'auth-refactor', '-'], '```ts\nconst a = 1;\r\n```'));
  ok(await vltInProcess(box, ['thread', 'new', 'infra/ci-cache', 'cache keys by lockfile hash']));
  ok(await vltInProcess(box, ['thread', 'push', 'infra/ci-cache', 'second']));
  ok(await vltInProcess(box, ['thread', 'new', 'notes', 'archived thread']));
  ok(await vltInProcess(box, ['thread', 'status', 'notes', 'archived']));
  ok(await vltInProcess(box, ['thread', 'tag', 'auth-refactor/2', 'decision']));
  ok(await vltInProcess(box, ['thread', 'tag', 'auth-refactor/2', 'jwt']));
  ok(
    await vltInProcess(box, [
      'thread',
      'link',
      'auth-refactor/1',
      'infra/ci-cache',
      '--note',
      'same CORS proxy',
    ]),
  );
}

// fill() once, for every test: each takes a copy of its vault and project file.
let template: Sandbox;
beforeAll(async () => {
  template = sandbox();
  template.env.VLT_SERVER_URL = 'http://127.0.0.1:9';
  template.env.VLT_NO_RETRIER = '1';
  await fill(template);
});
afterAll(() => template.cleanup());

/** `box` as fill() leaves one: a copy of the filled template's vault and project file. */
function fillFromTemplate(box: Sandbox): Sandbox {
  cpSync(template.home, box.home, { recursive: true });
  cpSync(template.cwd, box.cwd, { recursive: true });
  return box;
}

/** A scratch machine, filled (removed after the test). */
const filled = (): Sandbox => fillFromTemplate(machine());

describe('vlt export and vlt import', () => {
  it('round-trips into a fresh VLT_HOME: identical thread read --all --json for every thread; twice adds nothing', async () => {
    const a = filled();
    const exported = ok(vlt(a, ['export']));
    const lines = exported.stdout.trimEnd().split('\n');
    expect(JSON.parse(lines[0]!)).toMatchObject({ format: 'vlt-export', version: 1, project: null });
    expect(lines).toHaveLength(1 + 3 + 7);
    const file = join(a.base, 'all.jsonl');
    writeFileSync(file, exported.stdout);

    const b = machine();
    const imported = vlt(b, ['import', file]);
    ok(imported);
    expect(imported.stdout.split('\n')[0]).toBe(
      'IMPORTED: 3 threads (3 new), 7 entries (7 added, 0 already here)',
    );
    expect(await everything(b)).toEqual(await everything(a));
    expect(Object.keys(await everything(b))).toHaveLength(3);
    // Tags and links came too: the markdown export of both is the same.
    const again = json<Record<string, number>>(b, ['import', file]);
    expect(again).toMatchObject({ threads: 3, newThreads: 0, entries: 7, added: 0, alreadyPresent: 7 });
    expect(again.tagsAdded).toBe(0);
    expect(again.linksAdded).toBe(0);
    expect(entryCount(b)).toBe(7);
    // Exported again, it is the same file but for the time of the header.
    const body = (text: string) => text.split('\n').slice(1).join('\n');
    expect(body(ok(vlt(b, ['export'])).stdout)).toBe(body(exported.stdout));
    // The imported entries wait in the outbox like any written entry.
    const queue = await jsonHere<{ items: unknown[] }>(b, ['sync', 'queue']);
    expect(queue.items).toHaveLength(7);
  });

  it('--out writes a file per project; importing the directory round-trips; --json gives counts', async () => {
    const a = filled();
    const out = join(a.base, 'backup');
    const summary = json<{ files: string[]; threads: number; entries: number; projects: number }>(a, [
      'export',
      '--out',
      out,
    ]);
    expect(summary).toMatchObject({ threads: 3, entries: 7, projects: 2 });
    expect(readdirSync(out).sort()).toEqual(['infra.jsonl', 'my-app.jsonl']);
    const b = machine();
    const counts = json<Record<string, number>>(b, ['import', out]);
    expect(counts).toMatchObject({
      files: 2,
      threads: 3,
      added: 7,
      tagsAdded: 2,
      linksAdded: 1,
      linksSkipped: 0,
    });
    expect(await everything(b)).toEqual(await everything(a));

    // One project alone: its link to the other project has no target, and says so.
    const c = machine();
    ok(vlt(a, ['export', '-p', 'my-app', '--out', join(a.base, 'one')]));
    const one = vlt(c, ['import', join(a.base, 'one', 'my-app.jsonl')]);
    expect(one.code).toBe(0);
    expect(one.stderr).toBe(
      'vlt: the link from my-app/auth-refactor/1 to infra/ci-cache was left out: this vault has no thread infra/ci-cache\n',
    );
    expect(Object.keys(await everything(c)).sort()).toEqual(['my-app/auth-refactor', 'my-app/notes']);
  });

  it('a thread imported into a vault that has more of it adds nothing; one with fewer gets the rest', async () => {
    const a = filled();
    const early = join(a.base, 'early.jsonl');
    writeFileSync(early, ok(vlt(a, ['export', '-p', 'infra'])).stdout);
    ok(await vltInProcess(a, ['thread', 'push', 'infra/ci-cache', 'third']));
    const late = join(a.base, 'late.jsonl');
    writeFileSync(late, ok(vlt(a, ['export', '-p', 'infra'])).stdout);

    const b = machine();
    expect(json<{ added: number }>(b, ['import', early]).added).toBe(2);
    expect(json<{ added: number; alreadyPresent: number }>(b, ['import', late])).toMatchObject({
      added: 1,
      alreadyPresent: 2,
    });
    expect(json<{ added: number }>(b, ['import', early]).added).toBe(0);
    expect(await everything(b)).toEqual({ 'infra/ci-cache': (await everything(a))['infra/ci-cache'] });
  });

  it('refuses a thread that holds other entries at the same sequences, and writes nothing', async () => {
    const a = filled();
    const file = join(a.base, 'all.jsonl');
    writeFileSync(file, ok(vlt(a, ['export'])).stdout);
    const b = machine();
    ok(await vltInProcess(b, ['thread', 'new', 'infra/other', 'mine']));
    ok(await vltInProcess(b, ['thread', 'new', 'my-app/notes', 'not the same entry 0']));
    const before = await everything(b);
    const refused = vlt(b, ['import', file]);
    expect(isOneLineError(refused), refused.stderr).toBe(true);
    expect(refused.stderr).toMatch(
      /^vlt: all\.jsonl line \d+: thread my-app\/notes here has another entry at seq 0 .*vlt thread move.*nothing was imported/,
    );
    expect(await everything(b)).toEqual(before);
    expect(entryCount(b)).toBe(2);
  });

  it('writes markdown: one file per thread, front matter, each entry ending with its ^e<seq> block id', () => {
    const a = filled();
    const out = join(a.base, 'md');
    const done = ok(vlt(a, ['export', '--format', 'md', '--out', out]));
    expect(done.stdout).toBe(`EXPORTED: 3 threads, 7 entries to ${out} (markdown, 3 files)\n`);
    expect(readdirSync(join(out, 'my-app')).sort()).toEqual(['auth-refactor.md', 'notes.md']);
    const text = readFileSync(join(out, 'my-app', 'auth-refactor.md'), 'utf8');
    expect(text).toMatch(
      /^---\nproject: my-app\nthread: auth-refactor\nstatus: active\ncreated: "\d{4}-[^"]+Z"\nentries: 4\n---\n/,
    );
    expect(text).toContain('\nGoal: JWT with 90-day expiry ^e0\n');
    // After a list or code, the block id stands on its own line.
    expect(text).toContain('- blocked by CORS\n\n^e1\n');
    expect(text).toContain('```\n\n^e3\n');
    expect(text).toContain('tags: #decision #jwt');
    expect(text).toContain('see [[infra/ci-cache]]: same CORS proxy');
    expect(text.match(/\^e\d+$/gm)).toEqual(['^e0', '^e1', '^e2', '^e3']);
    expect(readFileSync(join(out, 'my-app', 'notes.md'), 'utf8')).toContain('status: archived');
  });

  it('says what to do for bad usage', () => {
    const a = filled();
    for (const [args, message] of [
      [['export', '--format', 'md'], /--format md .*--out DIR/],
      [['export', '--format', 'csv'], /unknown --format 'csv'/],
      [['export', '-p', 'nope'], /no threads in project 'nope'/],
      [['import', join(a.base, 'missing.jsonl')], /no file or directory/],
      [['import', a.cwd], /no \.jsonl files in/],
    ] as const) {
      const result = vlt(a, [...args]);
      expect(isOneLineError(result), `${args.join(' ')}: ${result.stderr}`).toBe(true);
      expect(result.stderr).toMatch(message);
    }
    const withJson = vlt(a, ['export', '--json']);
    expect(withJson.code).toBe(2);
    expect(JSON.parse(withJson.stdout)).toMatchObject({ error: { code: 'usage' } });
  });
});

describe('vlt import of hostile files', () => {
  // One filled machine for every case: a refused import leaves it as it was.
  let a: Sandbox;
  let lines: string[];
  beforeAll(() => {
    a = sandbox();
    a.env.VLT_SERVER_URL = 'http://127.0.0.1:9';
    a.env.VLT_NO_RETRIER = '1';
    fillFromTemplate(a);
    lines = ok(vlt(a, ['export']))
      .stdout.trimEnd()
      .split('\n');
  });
  afterAll(() => a.cleanup());

  const edit = (n: number, change: (record: Record<string, unknown>) => void) => {
    const record = JSON.parse(lines[n - 1]!) as Record<string, unknown>;
    change(record);
    return lines.map((l, i) => (i === n - 1 ? JSON.stringify(record) : l)).join('\n');
  };

  // Line 1 is the header, 2 the thread infra/ci-cache, 3-4 its entries, 5 my-app/auth-refactor, 6-9 its entries.
  const cases: [string, () => string | Buffer, RegExp][] = [
    ['an empty file', () => '', /line 1: the file is empty/],
    ['not an export', () => '{"hello": 1}\n', /line 1: not a vlt export/],
    [
      'not JSON at all',
      () => 'PK\u0003\u0004 zip bytes',
      /line 1: not a vlt export \(the first line is not JSON\)/,
    ],
    [
      'a newer format',
      () => edit(1, (r) => (r.version = 2)),
      /line 1: the export is format version 2, newer .*upgrade vlt/,
    ],
    [
      'bad JSON',
      () => lines.map((l, i) => (i === 2 ? l.slice(0, -3) : l)).join('\n'),
      /line 3: not valid JSON/,
    ],
    [
      'oversize content',
      () => edit(3, (r) => (r.content = 'x'.repeat(100_001))),
      /line 3: content: entry content is over the limit of 100000 bytes/,
    ],
    ['empty content', () => edit(4, (r) => (r.content = '  ')), /line 4: content: entry content is empty/],
    ['a NUL in content', () => edit(4, (r) => (r.content = 'a\u0000b')), /line 4: content: .*NUL/],
    ['a bad id', () => edit(6, (r) => (r.id = 'not-a-uuid')), /line 6: id: an entry id is a UUID/],
    ['an upper-case id', () => edit(6, (r) => (r.id = String(r.id).toUpperCase())), /line 6: id:/],
    ['a bad thread name', () => edit(5, (r) => (r.thread = '../etc')), /line 5: thread: a thread id is/],
    ['a bad author', () => edit(7, (r) => (r.author = 'a\nb')), /line 7: author:/],
    [
      'a bad time',
      () => edit(7, (r) => (r.timestamp = 'yesterday')),
      /line 7: timestamp: a time is ISO 8601/,
    ],
    ['a bad tag', () => edit(8, (r) => (r.tags = ['Not A Tag'])), /line 8: tags\.0: a tag is/],
    [
      'a deleted entry with content',
      () => edit(4, (r) => (r.deleted = true)),
      /line 4: content: a deleted entry carries no content/,
    ],
    [
      'a deleted entry with tags',
      () => edit(8, (r) => ((r.deleted = true), (r.content = ''))),
      /line 8: deleted: a deleted entry has no tags or links/,
    ],
    [
      'deleted: false',
      () => edit(4, (r) => (r.deleted = false)),
      /line 4: deleted: only a deleted entry has "deleted", and it is true: leave it out of the others;/,
    ],
    ['an unknown field', () => edit(8, (r) => (r.extra = true)), /line 8: .*extra/],
    ['an unknown type', () => edit(8, (r) => (r.type = 'comment')), /line 8: .*"type": "thread"/],
    ['a gap in sequences', () => edit(7, (r) => (r.seq = 5)), /line 7: entry seq 5 out of order/],
    [
      'an entry of another thread',
      () => edit(7, (r) => (r.thread = 'ci-cache')),
      /line 7: entry of my-app\/ci-cache is not under its thread's line/,
    ],
    [
      'a duplicate id',
      () => edit(7, (r) => (r.id = JSON.parse(lines[5]!).id)),
      /line 7: entry id \S+ already appears on line 6/,
    ],
    [
      'a cut-off file',
      () => lines.slice(0, -1).join('\n'),
      /thread my-app\/notes has 0 of its 1 entries: the file is cut short/,
    ],
    [
      'invalid UTF-8',
      () =>
        Buffer.concat([Buffer.from(`${lines.slice(0, 3).join('\n')}\n`), Buffer.from([0xff, 0xfe, 0x0a])]),
      /line 4: not valid UTF-8/,
    ],
    [
      'a blank line inside',
      () => [...lines.slice(0, 3), '', ...lines.slice(3)].join('\n'),
      /an empty line \(line 4\)/,
    ],
  ];

  it.each(cases)(
    '%s: one line naming the line, exit non-zero, nothing written',
    async (_name, make, message) => {
      const file = join(a.base, 'hostile.jsonl');
      writeFileSync(file, make());
      const b = machine();
      const result = vlt(b, ['import', file]);
      expect(isOneLineError(result), result.stderr).toBe(true);
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(message);
      expect(result.stderr).toMatch(/^vlt: hostile\.jsonl line \d+: .*nothing was imported/);
      expect(existsSync(join(b.home, 'vault.db'))).toBe(false);
      // Into a vault that has threads, the same: nothing added (the CLI in this process, the
      // refusal as a process is checked just above).
      const before = entryCount(a);
      const into = await vltInProcess(a, ['import', file]);
      expect(isOneLineError(into), into.stderr).toBe(true);
      expect(into.code).toBe(2);
      expect(entryCount(a)).toBe(before);
    },
  );

  it('a line longer than any entry makes is refused without reading it all', () => {
    const file = join(a.base, 'long.jsonl');
    writeFileSync(file, `${lines[0]}\n${'x'.repeat(9 * 1024 * 1024)}\n`);
    const result = vlt(machine(), ['import', file]);
    expect(isOneLineError(result), result.stderr).toBe(true);
    expect(result.stderr).toMatch(/line 2: the line is over 8 MiB/);
  });

  it('trailing blank lines and CRLF line ends are read', async () => {
    const file = join(a.base, 'crlf.jsonl');
    writeFileSync(file, `${lines.join('\r\n')}\r\n\r\n`);
    const b = machine();
    expect(json<{ added: number }>(b, ['import', file]).added).toBe(7);
    expect(await everything(b)).toEqual(await everything(a));
  });
});

describe('imported entries sync', () => {
  it('a thread with edited and deleted entries round-trips, syncs to another account, and is pulled the same', async () => {
    const data = newDataDir();
    const server = await startServer(data, 0);
    const token = await tokenOverApi(server.url, 'dora');
    cleanups.push(
      () => rmSync(data, { recursive: true, force: true }),
      () => server.stop(),
    );
    // The vault to export, and every read-back and sync, with the CLI in this process; `vlt
    // export` and `vlt import` are the processes.
    const here = async (box: Sandbox, args: string[]) => ok(await vltInProcess(box, args));
    const a = machine();
    await here(a, ['init', '--project', 'app']);
    await here(a, ['thread', 'new', 'log', 'first']);
    for (const text of ['second, tagged', 'thrid', 'fourth']) await here(a, ['thread', 'push', 'log', text]);
    await here(a, ['thread', 'tag', 'log/1', 'gone']);
    await here(a, ['thread', 'rm', 'log/1']);
    await here(a, ['thread', 'edit', 'log/2', 'third']);
    const exported = ok(vlt(a, ['export'])).stdout;
    expect(exported).toContain('"deleted":true');
    expect(exported).not.toContain('second, tagged');
    const file = join(a.base, 'log.jsonl');
    writeFileSync(file, exported);

    // A fresh machine of another account: the same read, the deleted entry's number kept.
    const b = syncMachine(server.url, token, cleanups, { retrier: false });
    ok(vlt(b, ['import', file]));
    const read = (box: Sandbox) =>
      jsonHere<{ entries: { seq: number; content: string }[] }>(box, ['thread', 'read', 'app/log', '--all']);
    // The same but for `synced` (a never syncs).
    const unsynced = (r: { entries: object[] }) => ({
      ...r,
      entries: r.entries.map((e) => ({ ...e, synced: false })),
    });
    expect(unsynced(await read(b))).toEqual(unsynced(await read(a)));
    expect((await read(b)).entries.map((e) => [e.seq, e.content])).toEqual([
      [0, 'first'],
      [2, 'third'],
      [3, 'fourth'],
    ]);
    expect((await jsonHere<{ pending: number }>(b, ['sync', 'status'])).pending).toBe(0);
    expect(json<{ added: number }>(b, ['import', file]).added).toBe(0);
    // Its server has the tombstone: a third machine pulls the same, and a push after it follows on.
    const c = syncMachine(server.url, token, cleanups, { retrier: false });
    await here(c, ['sync', 'pull']);
    expect(await read(c)).toEqual(await read(b));
    await here(c, ['thread', 'push', 'app/log', 'fifth']);
    expect(
      (await jsonHere<{ threads: { syncedSeq: number }[] }>(c, ['thread', 'list'])).threads[0]!.syncedSeq,
    ).toBe(4);
    await here(b, ['sync', 'pull']);
    expect((await read(b)).entries.map((e) => e.seq)).toEqual([0, 2, 3, 4]);
    // Exported again after the pull, it imports into a fourth vault the same.
    const d = machine();
    const download = ok(vlt(b, ['export'])).stdout;
    writeFileSync(join(d.base, 'b.jsonl'), download);
    ok(vlt(d, ['import', join(d.base, 'b.jsonl')]));
    expect(unsynced(await read(d))).toEqual(unsynced(await read(b)));
  });

  it('reach the server like written ones', async () => {
    const data = newDataDir();
    const server = await startServer(data, 0);
    const token = await tokenOverApi(server.url, 'alice');
    cleanups.push(
      () => rmSync(data, { recursive: true, force: true }),
      () => server.stop(),
    );
    const a = filled();
    const file = join(a.base, 'all.jsonl');
    writeFileSync(file, ok(vlt(a, ['export'])).stdout);
    const b = syncMachine(server.url, token, cleanups, { retrier: false });
    const imported = ok(vlt(b, ['import', file]));
    expect(imported.stdout.split('\n')[1]).toBe('synced');
    expect((await jsonHere<{ pending: number }>(b, ['sync', 'status'])).pending).toBe(0);
    const listed = (
      await jsonHere<{ threads: { localSeq: number; syncedSeq: number }[] }>(b, ['thread', 'list'])
    ).threads;
    expect(listed).toHaveLength(3);
    for (const t of listed) expect(t.syncedSeq).toBe(t.localSeq);
    // A third machine pulls exactly what was exported.
    const c = syncMachine(server.url, token, cleanups, { retrier: false });
    ok(await vltInProcess(c, ['sync', 'pull']));
    const pulled = (await everything(c)) as Record<string, { entries: { id: string; content: string }[] }>;
    const original = (await everything(a)) as Record<string, { entries: { id: string; content: string }[] }>;
    for (const name of Object.keys(original)) {
      expect(pulled[name]!.entries.map((e) => [e.id, e.content])).toEqual(
        original[name]!.entries.map((e) => [e.id, e.content]),
      );
    }
  });

  it('say which the server set aside', async () => {
    const data = newDataDir();
    const server = await startServer(data, 0, { VLT_LIMIT_CONTENT_BYTES: '30' });
    const token = await tokenOverApi(server.url, 'alice');
    cleanups.push(
      () => rmSync(data, { recursive: true, force: true }),
      () => server.stop(),
    );
    const b = syncMachine(server.url, token, cleanups, { retrier: false });
    const entry = (seq: number, content: string) =>
      JSON.stringify({
        type: 'entry',
        project: 'demo',
        thread: 'a',
        id: `01a22db2-fa47-7260-a1ff-fe8b74e58cf${seq}`,
        seq,
        author: 'user',
        timestamp: `2026-11-30T18:23:53.92${seq}Z`,
        content,
        tags: [],
        links: [],
      });
    const file = join(b.base, 'over.jsonl');
    writeFileSync(
      file,
      [
        JSON.stringify({
          format: 'vlt-export',
          version: 1,
          exportedAt: '2026-11-30T18:23:54.599Z',
          vlt: '0.1.0',
          project: null,
        }),
        JSON.stringify({
          type: 'thread',
          project: 'demo',
          thread: 'a',
          status: 'active',
          created: '2026-11-30T18:23:53.927Z',
          entries: 2,
        }),
        entry(0, 'short'),
        entry(1, 'a much longer entry than the server allows here'),
      ].join('\n') + '\n',
    );
    const imported = ok(vlt(b, ['import', file]));
    expect(imported.stdout).toBe(
      'IMPORTED: 1 thread (1 new), 2 entries (2 added, 0 already here)\nqueued: 1 entry of these threads set aside by the server: see `vlt sync queue`\n',
    );
    const queue = (await jsonHere<{ items: { state: string; lastError: string }[] }>(b, ['sync', 'queue']))
      .items;
    expect(queue.map((e) => [e.state, e.lastError])).toEqual([
      ['failed', expect.stringMatching(/over the content limit of 30 bytes/)],
    ]);
  });
});
