// A server the user did not choose, or one that lies: the real `vlt` in a temporary VLT_HOME, the
// real vlt-server on port 0, and a fake server on loopback answering the tRPC JSON a test picks.
// What vlt makes of a server's answers (the last block) runs the commands in this process (the CLI's
// runCli, as the bundle's entry calls it): each case is a command, and a Node start each cost more
// than the check; the project-file tests keep `vlt` a real process.
import Database from 'better-sqlite3';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FakeServer, type FakeAnswer } from './fake-server.js';
import { isOneLineError, sandbox, vltAsync, vltInProcess, type Result, type Sandbox } from './helpers.js';
import { newDataDir, startServer } from './net-helpers.js';
import { apiFor, tokenOverApi } from './sync-helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A machine with no vlt settings from the environment, and no background retrier. */
function machine(): Sandbox {
  const box = sandbox();
  box.env.VLT_NO_RETRIER = '1';
  cleanups.push(() => box.cleanup());
  return box;
}

async function fake(): Promise<FakeServer> {
  const server = new FakeServer();
  await server.start();
  cleanups.push(() => server.stop());
  return server;
}

/** `vlt` in `dir` (not spawnSync: the fake server lives in this process and must answer meanwhile). */
const vlt = (box: Sandbox, dir: string, args: string[], input?: string) => {
  const run = vltAsync({ ...box, cwd: dir }, args);
  run.child.stdin.end(input ?? '');
  return run.done;
};

/** `vlt` in `dir`, in this process (no retrier: the machines set none). */
const vltHere = (box: Sandbox, dir: string, args: string[], input?: string): Promise<Result> =>
  vltInProcess({ ...box, cwd: dir }, args, input);

const json = async <T>(
  box: Sandbox,
  dir: string,
  args: string[],
  run: (box: Sandbox, dir: string, args: string[]) => Promise<Result> = vlt,
): Promise<T> => {
  const result = await run(box, dir, [...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
};

const jsonHere = <T>(box: Sandbox, dir: string, args: string[]): Promise<T> =>
  json<T>(box, dir, args, vltHere);

const ok = (result: { code: number; stderr: string }) => {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
};

/** Everything `text` shows a terminal raw that could act on it (ESC, BEL, CR, C1, bidi). */
// eslint-disable-next-line no-control-regex
const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

const whoami = (username: string): FakeAnswer => ({ data: { user: { id: 'u1', username }, via: 'token' } });
const pushed = (lastSyncedSequence: number): FakeAnswer => ({
  data: { syncedCount: 1, duplicateCount: 0, lastSyncedSequence },
});

const entry = (fields: Record<string, unknown> = {}) => ({
  projectId: 'app',
  threadId: 'pulled',
  status: 'active',
  threadCreatedAt: new Date('2026-11-01T00:00:00Z'),
  entryId: '019ab2c4-7f4e-7a31-9c1d-2b8e5f6a7c90',
  sequenceId: 0,
  content: 'from the server',
  author: 'other-machine',
  timestamp: new Date('2026-11-01T00:00:00Z'),
  ...fields,
});

describe('a server named by a project file', () => {
  it('gets neither the token nor the entries queued elsewhere, and its pulls need a login of their own', async () => {
    const data = newDataDir();
    const real = await startServer(data);
    cleanups.push(
      () => rmSync(data, { recursive: true, force: true }),
      () => real.stop(),
    );
    const token = await tokenOverApi(real.url, 'alice');
    const evil = await fake();
    evil.answer('auth.me', whoami('mallory'));
    evil.answer('threads.syncStatus', {
      data: { lastSyncedSequence: 99, lastSyncAt: null, syncError: null },
    });
    evil.answer('threads.push', pushed(0));
    evil.answer('threads.pull', {
      data: {
        changes: [
          {
            projectId: 'home',
            threadId: 'notes',
            fromProjectId: 'home',
            status: 'archived',
            changedAt: new Date(),
          },
        ],
        entries: [],
        cursor: 'c1',
        hasMore: false,
      },
    });

    const box = machine();
    // config.toml as vlt wrote it before tokens were kept per server: the token is the real server's.
    mkdirSync(box.home, { mode: 0o700 });
    writeFileSync(
      join(box.home, 'config.toml'),
      `[server]\nurl = "${real.url}"\n[sync]\ntoken = "${token}"\n`,
      {
        mode: 0o600,
      },
    );
    const home = join(box.cwd, 'home');
    const checkout = join(box.cwd, 'checkout');
    mkdirSync(home);
    mkdirSync(checkout);
    writeFileSync(
      join(checkout, 'vlt.toml'),
      `[project]\nid = "evil"\n[oracle]\nvault_url = "${evil.url}"\n`,
    );
    ok(await vlt(box, home, ['init', '--project', 'home']));
    expect((await vlt(box, home, ['thread', 'new', 'notes', 'synced entry'])).stdout).toBe(
      'CREATED: home/notes\nsynced\n',
    );
    ok(await vlt(box, home, ['thread', 'push', 'notes', 'pending entry', '--no-sync']));

    const loginHint = `not logged in to ${evil.url}: run \`vlt auth login --server ${evil.url}\``;
    // In the checkout: status asks the checkout's server, without the token.
    const status = await vlt(box, checkout, ['sync', 'status']);
    expect(status.code, status.stderr).toBe(0);
    expect(status.stdout).toContain(`server:   ${evil.url}`);
    expect(status.stdout).toContain(loginHint);
    // The queue goes where it was written, with that server's token: the home entry to the real server.
    const retried = await vlt(box, checkout, ['sync', 'retry']);
    ok(retried);
    expect(retried.stdout).toMatch(/^sent 1 entry from 1 thread/);
    const onReal = await apiFor(real.url, token).threads.get.query({ projectId: 'home', threadId: 'notes' });
    expect(onReal.entries.map((e) => e.content)).toEqual(['synced entry', 'pending entry']);
    // A pull from the checkout's server needs a login there: nothing moves, nothing is archived.
    const pulled = await vlt(box, checkout, ['sync', 'pull']);
    expect(isOneLineError(pulled), pulled.stderr).toBe(true);
    expect(pulled.stderr).toBe(`vlt: ${loginHint}\n`);
    // What is written in the checkout waits for its server, from wherever the queue is sent.
    expect((await vlt(box, checkout, ['thread', 'new', 'idea', 'written in the checkout'])).stdout).toBe(
      `CREATED: evil/idea\nqueued: ${loginHint}\n`,
    );
    const fromHome = await vlt(box, home, ['sync', 'retry']);
    expect(isOneLineError({ ...fromHome, stdout: '' }), fromHome.stderr).toBe(true);
    expect(fromHome.stderr).toBe(`vlt: ${loginHint}: the entries stay queued\n`);
    const queue = await json<{ items: { project: string; thread: string; server: string; state: string }[] }>(
      box,
      home,
      ['sync', 'queue'],
    );
    expect(queue.items).toEqual([
      expect.objectContaining({ project: 'evil', thread: 'idea', server: evil.url, state: 'pending' }),
    ]);
    expect((await vlt(box, home, ['sync', 'queue'])).stdout).toContain(loginHint);
    const homeStatus = await json<{ servers: { url: string; pending: number; loggedIn: boolean }[] }>(
      box,
      home,
      ['sync', 'status'],
    );
    expect(homeStatus.servers).toEqual([
      expect.objectContaining({ url: evil.url, pending: 1, loggedIn: false }),
    ]);
    expect((await apiFor(real.url, token).threads.list.query({})).threads.map((t) => t.projectId)).toEqual([
      'home',
    ]);

    // The fake server heard no token, no entry, and changed nothing here.
    expect(evil.authorizations).toEqual([]);
    expect(evil.calls.filter((c) => c.path !== 'auth.me')).toEqual([]);
    const threads = await json<{ threads: { project: string; thread: string; status: string }[] }>(
      box,
      home,
      ['thread', 'list', '--all'],
    );
    expect(threads.threads.map((t) => [t.project, t.thread, t.status]).sort()).toEqual([
      ['evil', 'idea', 'active'],
      ['home', 'notes', 'active'],
    ]);
    // The token is the real server's, in the form of now once config.toml is written again.
    expect((await vlt(box, home, ['config', 'get', 'sync.token'])).stdout).toBe(`${token}\n`);
    const none = await vlt(box, checkout, ['config', 'get', 'sync.token']);
    expect(none.stderr).toBe(`vlt: there is no token for ${evil.url}: set it with \`vlt auth login\`\n`);
    ok(await vlt(box, home, ['config', 'set', 'author', 'me']));
    const config = readFileSync(join(box.home, 'config.toml'), 'utf8');
    expect(config).toContain(`[tokens]\n"${real.url}" = "${token}"`);
    expect(config).not.toContain('[sync]');
  });
});

describe('a server named by a project file, once logged in there', () => {
  it('serves that project only: pulls, sync all and status tell it of no other project', async () => {
    const evil = await fake();
    const box = machine();
    const home = join(box.cwd, 'home');
    const checkout = join(box.cwd, 'checkout');
    mkdirSync(home);
    mkdirSync(checkout);
    writeFileSync(
      join(checkout, 'vlt.toml'),
      `[project]\nid = "work"\n[oracle]\nvault_url = "${evil.url}"\n`,
    );
    ok(await vlt(box, home, ['init', '--project', 'home']));
    ok(await vlt(box, home, ['thread', 'new', 'notes', 'private', '--no-sync']));
    ok(await vlt(box, checkout, ['config', 'set', 'sync.token', '-'], 'token-for-work-1\n'));
    evil.answer('threads.push', pushed(0));
    evil.answer('auth.me', whoami('mallory'));
    evil.answer('threads.syncStatus', {
      data: { lastSyncedSequence: -1, lastSyncAt: null, syncError: null },
    });
    expect((await vlt(box, checkout, ['thread', 'new', 'plan', 'for work'])).stdout).toBe(
      'CREATED: work/plan\nsynced\n',
    );
    ok(await vlt(box, checkout, ['sync', 'status']));
    ok(await vlt(box, checkout, ['sync', 'all']));
    const asked = (path: string) => evil.calls.filter((c) => c.path === path).map((c) => c.input);
    expect(asked('threads.syncStatus').length).toBeGreaterThan(0);
    for (const input of asked('threads.syncStatus')) expect(input).toMatchObject({ projectId: 'work' });
    for (const input of asked('threads.push')) expect(input).toMatchObject({ projectId: 'work' });

    // Its pull is of that project, and a page with another project's thread is refused.
    evil.answer('threads.pull', {
      data: {
        changes: [],
        entries: [entry({ projectId: 'home', threadId: 'notes' })],
        cursor: 'c1',
        hasMore: false,
      },
    });
    const refused = await vlt(box, checkout, ['sync', 'pull']);
    expect(isOneLineError(refused), refused.stderr).toBe(true);
    expect(refused.stderr).toBe(
      `vlt: the server at ${evil.url} sent a thread of project 'home' to a pull of 'work': nothing was stored from that page\n`,
    );
    expect(asked('threads.pull')).toEqual([{ projectId: 'work' }]);
    // A move of another project's thread into it is not followed.
    const into = {
      projectId: 'work',
      threadId: 'notes',
      fromProjectId: 'home',
      status: 'archived',
      changedAt: new Date(),
    };
    evil.answer('threads.pull', { data: { changes: [into], entries: [], cursor: 'c2', hasMore: false } });
    ok(await vlt(box, checkout, ['sync', 'pull']));
    const threads = await json<{ threads: { project: string; thread: string; status: string }[] }>(
      box,
      home,
      ['thread', 'list', '--all'],
    );
    expect(threads.threads.map((t) => [t.project, t.thread, t.status]).sort()).toEqual([
      ['home', 'notes', 'active'],
      ['work', 'plan', 'active'],
    ]);
    expect(JSON.stringify(evil.calls)).not.toContain('private');
  });
});

describe('what a server sends back', () => {
  /** A machine logged in to the fake server (the token given on stdin), with one thread it has. */
  async function loggedIn(evil: FakeServer): Promise<Sandbox> {
    const box = machine();
    ok(await vltHere(box, box.cwd, ['config', 'set', 'server.url', evil.url]));
    const set = await vltHere(box, box.cwd, ['config', 'set', 'sync.token', '-'], 'token-for-the-fake\n');
    ok(set);
    expect(set.stdout).toBe(`SET: sync.token = toke…fake (for ${evil.url})\n`);
    evil.answer('threads.push', pushed(0));
    expect((await vltHere(box, box.cwd, ['thread', 'new', 'app/notes', 'mine'])).stdout).toBe(
      'CREATED: app/notes\nsynced\n',
    );
    expect(evil.authorizations.at(-1)).toBe('Bearer token-for-the-fake');
    return box;
  }

  it('refuses a pull page with anything invalid in it, storing nothing of it', async () => {
    const evil = await fake();
    const box = await loggedIn(evil);
    // A move and a status of the user's thread, then the hostile item, in one page.
    const change = {
      projectId: 'stolen',
      threadId: 'notes',
      fromProjectId: 'app',
      status: 'archived',
      changedAt: new Date(),
    };
    const origin = `the server at ${evil.url} sent`;
    const cases: [Record<string, unknown>, string][] = [
      [{ projectId: 'evil', threadId: '../../Evil Project/x/../y' }, `an invalid thread name '../../Evil…'`],
      [{ projectId: '../etc' }, `an invalid project id '../etc'`],
      [{ entryId: 'not-a-uuid' }, `an invalid entry id 'not-a-uuid'`],
      [{ sequenceId: -1 }, 'an invalid sequence -1'],
      [{ sequenceId: 2 ** 40 }, 'an invalid sequence 1099511627776'],
      [{ sequenceId: 1.5 }, 'an invalid sequence 1.5'],
      [{ author: '' }, `an invalid author ''`],
      [{ author: 'x'.repeat(65) }, `an invalid author 'xxxxxxxxxx…'`],
      [{ content: '' }, `an invalid entry content ''`],
      [{ status: 'deleted' }, `an invalid status 'deleted'`],
      [{ timestamp: new Date('nope') }, 'an invalid timestamp null'],
      [{ timestamp: new Date(Date.UTC(1969, 0, 1)) }, 'an invalid timestamp 1969-01-01T00:00:00.000Z'],
      [{ timestamp: undefined }, 'an answer without its timestamp'],
    ];
    for (const [fields, problem] of cases) {
      evil.answer('threads.pull', {
        data: {
          changes: [change],
          entries: [entry({ sequenceId: 0 }), entry(fields)],
          cursor: 'c1',
          hasMore: false,
        },
      });
      const pulled = await vltHere(box, box.cwd, ['sync', 'pull']);
      expect(isOneLineError(pulled), `${JSON.stringify(fields)}: ${pulled.stderr}`).toBe(true);
      expect(pulled.stderr).toBe(`vlt: ${origin} ${problem}: nothing was stored from that page\n`);
    }
    const threads = await jsonHere<{ threads: { project: string; thread: string; status: string }[] }>(
      box,
      box.cwd,
      ['thread', 'list', '--all'],
    );
    expect(threads.threads.map((t) => [t.project, t.thread, t.status])).toEqual([['app', 'notes', 'active']]);
    const db = new Database(join(box.home, 'vault.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM entries').get()).toEqual({ n: 1 });
    expect(db.prepare("SELECT count(*) AS n FROM sync_meta WHERE key LIKE 'pull:%'").get()).toEqual({ n: 0 });
    db.close();

    // The same page, valid: the move, the status and the entry are taken.
    evil.answer('threads.pull', {
      data: { changes: [change], entries: [entry()], cursor: 'c1', hasMore: false },
    });
    const good = await vltHere(box, box.cwd, ['sync', 'pull']);
    ok(good);
    expect(good.stdout).toMatch(/^pulled 1 new entry into 1 thread; moved 1 thread/);
  });

  it('refuses a pull page with an invalid tag or link, storing nothing of it', async () => {
    const evil = await fake();
    const box = await loggedIn(evil);
    const mine = (
      await jsonHere<{ entries: { id: string }[] }>(box, box.cwd, ['thread', 'read', 'app/notes'])
    ).entries[0]!.id;
    const origin = `the server at ${evil.url} sent`;
    const link = { projectId: 'app', threadId: 'notes', note: null, at: new Date() };
    const cases: [Record<string, unknown>, string][] = [
      [{ tag: 'Evil Tag\u001b]0;x' }, `an invalid tag 'Evil Tag\\x1b]0;x'`],
      [{ tag: null, link: { ...link, projectId: '../etc' } }, `an invalid project id '../etc'`],
      [{ tag: null, link: { ...link, note: 'n'.repeat(1001) } }, `an invalid link note 'nnnnnnnnnn…'`],
      [{ entryId: 'not-a-uuid' }, `an invalid entry id 'not-a-uuid'`],
    ];
    for (const [fields, problem] of cases) {
      evil.answer('threads.pull', {
        data: {
          changes: [],
          entries: [entry({ sequenceId: 1 })],
          annotations: [{ entryId: mine, tag: 'fine', link: null, ...fields }],
          cursor: 'c1',
          hasMore: false,
        },
      });
      const pulled = await vltHere(box, box.cwd, ['sync', 'pull']);
      expect(isOneLineError(pulled), `${JSON.stringify(fields)}: ${pulled.stderr}`).toBe(true);
      expect(pulled.stderr).toBe(`vlt: ${origin} ${problem}: nothing was stored from that page\n`);
    }
    const db = new Database(join(box.home, 'vault.db'), { readonly: true });
    expect(db.prepare('SELECT count(*) AS n FROM entries').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT count(*) AS n FROM entry_tags').get()).toEqual({ n: 0 });
    db.close();
    // Valid, the tag and the link are taken.
    evil.answer('threads.pull', {
      data: {
        changes: [],
        entries: [],
        annotations: [
          { entryId: mine, tag: 'fine', link: null },
          { entryId: mine, tag: null, link: { ...link, note: 'see' } },
        ],
        cursor: 'c1',
        hasMore: false,
      },
    });
    const good = await vltHere(box, box.cwd, ['sync', 'pull']);
    ok(good);
    expect(good.stdout).toMatch(/took 2 tags and links from the server/);
  });

  it('keeps an entry queued when the answer to its push is invalid, and shows no server text raw', async () => {
    const evil = await fake();
    const box = await loggedIn(evil);
    evil.answer('threads.push', pushed(2 ** 40));
    const push = await vltHere(box, box.cwd, ['thread', 'push', 'app/notes', 'second']);
    ok(push);
    expect(push.stdout).toBe(
      `OK: notes/1\nqueued: the server at ${evil.url} sent an invalid sequence 1099511627776: the entries stay queued\n`,
    );
    const queue = await jsonHere<{ items: { seq: number; state: string }[] }>(box, box.cwd, [
      'sync',
      'queue',
    ]);
    expect(queue.items).toEqual([expect.objectContaining({ seq: 1, state: 'pending' })]);

    // A refusal whose reason would set the terminal's title, write the clipboard and overwrite a line.
    const hostile = 'bad\u001b]0;pwned\u0007\u001b]52;c;cm0gLXJmIH4=\u0007\rOK: all synced\u202e';
    evil.answer('threads.push', { error: { code: 'BAD_REQUEST', message: hostile } });
    const refused = await vltHere(box, box.cwd, ['sync', 'retry']);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toBe('vlt: 1 entry is set aside as failed: see why with `vlt sync queue`\n');
    const listed = await vltHere(box, box.cwd, ['sync', 'queue']);
    ok(listed);
    expect(listed.stdout).not.toMatch(RAW_CONTROLS);
    expect(listed.stdout).toContain(
      'BAD_REQUEST: bad\\x1b]0;pwned\\x07\\x1b]52;c;cm0gLXJmIH4=\\x07\\x0dOK: all synced\\u202e',
    );
    // --json is the faithful form.
    const faithful = await jsonHere<{ items: { lastError: string }[] }>(box, box.cwd, ['sync', 'queue']);
    expect(faithful.items[0]!.lastError).toBe(`BAD_REQUEST: ${hostile}`);

    // who am I, and the Oracle: checked, and refused in one line.
    evil.answer('auth.me', whoami('\u001b]0;pwned\u0007'));
    const me = await vltHere(box, box.cwd, ['auth', 'whoami']);
    expect(isOneLineError(me), me.stderr).toBe(true);
    expect(me.stderr).toBe(
      `vlt: the server at ${evil.url} sent an invalid user name '\\x1b]0;pwned\\x07': nothing was shown\n`,
    );
    evil.answer('oracle.ask', {
      data: {
        answer: 'yes [1]',
        mode: 'llm',
        note: null,
        sources: [
          {
            project: 'app',
            thread: '../x',
            entryId: 'e',
            seq: 0,
            snippet: 's',
            score: 1,
            author: 'a',
            timestamp: new Date(),
          },
        ],
      },
    });
    const asked = await vltHere(box, box.cwd, ['oracle', 'anything?']);
    expect(isOneLineError(asked), asked.stderr).toBe(true);
    expect(asked.stderr).toBe(
      `vlt: the server at ${evil.url} sent an invalid thread name '../x': nothing was shown\n`,
    );
    // A valid answer whose text would act on the terminal is shown escaped.
    evil.answer('oracle.ask', {
      data: { answer: 'yes\u001b]0;pwned\u0007 [1]', mode: 'llm', note: null, sources: [] },
    });
    const shown = await vltHere(box, box.cwd, ['oracle', 'anything?']);
    expect(shown.code).toBe(0);
    expect(shown.stdout).toBe('yes\\x1b]0;pwned\\x07 [1]\n');
  });
});
