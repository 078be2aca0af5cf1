// The commands run in-process with a captured context: output, JSON shapes, exit codes.
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOneLineError, sandbox, vltInProcess, type Sandbox } from '../../test/helpers.js';
import { SUMMARY_VERSION } from '../shared/summary.js';

let box: Sandbox;
const NOT_LOGGED_IN =
  'not logged in to http://localhost:8000: run `vlt auth login --server http://localhost:8000`';
const run = (...args: string[]) => vltInProcess(box, args);

beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

describe('init', () => {
  it('slugs the project name, writes vlt.toml and creates the vault', async () => {
    const result = await run('init', '--project', 'My App');
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Initialized project my-app (My App)');
    expect(readFileSync(join(box.cwd, 'vlt.toml'), 'utf8')).toMatch(
      /\[project\]\s+id = "my-app"\s+name = "My App"/,
    );
    expect(statSync(join(box.home, 'vault.db')).isFile()).toBe(true);
    expect((await run('init', '--project', 'my-app')).stdout).toContain('Already initialized');
    const other = await run('init', '--project', 'other');
    expect(isOneLineError(other)).toBe(true);
    expect(other.stderr).toContain("already names project 'my-app'");
  });

  it('defaults to the directory name and reports JSON', async () => {
    const result = await run('init', '--json');
    expect(JSON.parse(result.stdout)).toMatchObject({ project: 'work', name: 'work', created: true });
  });
});

describe('threads', () => {
  beforeEach(async () => {
    await run('init', '--project', 'app');
  });

  it('creates, pushes and reads a thread per the JSON contract', async () => {
    const created = await run('thread', 'new', 'auth', 'Goal: JWT sessions');
    expect(created.stdout.split('\n')[0]).toBe('CREATED: app/auth');
    expect(created.stdout.split('\n')[1]).toMatch(/^queued: /);
    const pushed = await run('thread', 'push', 'auth', 'Tried cookies', '--author', 'claude');
    expect(pushed.stdout).toMatch(/^OK: auth\/1\nqueued: /);
    await vltInProcess(box, ['thread', 'push', 'app/auth', '-'], 'from stdin\nsecond line');
    const read = JSON.parse((await run('thread', 'read', 'auth', '--all', '--json')).stdout);
    expect(read).toMatchObject({ project: 'app', thread: 'auth', status: 'active' });
    expect(
      read.entries.map((e: { seq: number; author: string; content: string }) => [e.seq, e.author, e.content]),
    ).toEqual([
      [0, 'user', 'Goal: JWT sessions'],
      [1, 'claude', 'Tried cookies'],
      [2, 'user', 'from stdin\nsecond line'],
    ]);
    for (const e of read.entries) {
      expect(Object.keys(e)).toEqual(
        expect.arrayContaining(['id', 'seq', 'author', 'content', 'timestamp', 'synced']),
      );
      expect(new Date(e.timestamp).toISOString()).toBe(e.timestamp);
      expect(e.synced).toBe(false);
    }
  });

  it('prints the last 5 entries as `seq  time  [author]  content`', async () => {
    await run('thread', 'new', 'log', 'entry 0');
    for (let i = 1; i < 8; i++) await run('thread', 'push', 'log', `entry ${i}`);
    const read = await run('thread', 'read', 'log');
    const lines = read.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(5);
    expect(lines[0]).toMatch(/^3 {2}\d{4}-\d\d-\d\d \d\d:\d\d:\d\d {2}\[user\] {2}entry 3$/);
    expect(read.stderr).toContain('3 earlier entries');
    expect((await run('thread', 'read', 'log', '--all')).stdout.trimEnd().split('\n')).toHaveLength(8);
    const status = await run('thread', 'read', 'log', '--sync-status');
    expect(status.stdout).toContain('sync: local #7, never synced (8 pending)');
  });

  it('counts the entries one can read: deleted ones keep their numbers, and a deleted thread starts again', async () => {
    await run('thread', 'new', 'gone', 'entry 0');
    for (let i = 1; i < 7; i++) await run('thread', 'push', 'gone', `entry ${i}`);
    await run('thread', 'rm', 'gone/5');
    await run('thread', 'rm', 'gone/6');
    const read = await run('thread', 'read', 'gone');
    expect(read.stdout.trimEnd().split('\n')).toHaveLength(5);
    expect(read.stderr).toBe('');
    expect((await run('thread', 'read', 'gone', '-n', '2')).stderr).toBe(
      '(3 earlier entries: --all shows them)\n',
    );
    const listed = JSON.parse((await run('thread', 'list', '--json')).stdout) as {
      threads: { thread: string; entries: number; localSeq: number }[];
    };
    expect(listed.threads.find((t) => t.thread === 'gone')).toMatchObject({ entries: 5, localSeq: 6 });

    expect((await run('thread', 'delete', 'gone', '--yes')).code).toBe(0);
    const empty = await run('thread', 'read', 'gone');
    expect(empty.stdout).toBe('');
    expect(empty.stderr).toBe('every entry of app/gone is deleted\n');
    const again = await run('thread', 'push', 'gone', 'back again', '--json');
    expect(JSON.parse(again.stdout)).toMatchObject({ seq: 7, restarted: true });
    expect((await run('thread', 'read', 'gone', '--json')).stdout).toMatch(/"seq": 7,/);
    await run('thread', 'delete', 'gone', '--yes');
    const made = await run('thread', 'new', 'gone', 'new first entry');
    expect(made.code, made.stderr).toBe(0);
    expect(made.stderr).toContain('it starts again at #8');
  });

  it("shows an entry's history: one text, then each edit with the one that stands, then a deletion", async () => {
    await run('thread', 'new', 'h', 'frist');
    type Shown = {
      deleted: boolean;
      revisions: { content: string | null; deleted: boolean; current: boolean }[];
    };
    const history = async () => JSON.parse((await run('thread', 'history', 'h/0', '--json')).stdout) as Shown;
    const texts = (shown: Shown) => shown.revisions.map((r) => [r.content, r.current]);
    expect(texts(await history())).toEqual([['frist', true]]);
    await run('thread', 'edit', 'h/0', 'first');
    await run('thread', 'edit', 'h/0', 'first!');
    expect(texts(await history())).toEqual([
      ['frist', false],
      ['first', false],
      ['first!', true],
    ]);
    const plain = await run('thread', 'history', 'h/0');
    expect(plain.stdout).toMatch(
      /^app\/h\/0\n\S+ \S+ {2}first text\n {4}frist\n.* {2}edit\n {4}first\n.* {2}edit \(stands\)\n {4}first!\n$/,
    );
    await run('thread', 'rm', 'h/0');
    const gone = await history();
    expect(gone.deleted).toBe(true);
    expect(gone.revisions.map((r) => [r.content, r.deleted, r.current])).toEqual([
      ['frist', false, false],
      ['first', false, false],
      ['first!', false, false],
      [null, true, false],
    ]);
    const missing = await run('thread', 'history', 'h/9');
    expect(missing.code).toBe(1);
    expect(isOneLineError(missing)).toBe(true);
  });

  it('reads the last N with --limit or -n, everything with -a, another project with -p', async () => {
    await run('thread', 'new', 'log', 'entry 0');
    for (let i = 1; i < 8; i++) await run('thread', 'push', 'log', `entry ${i}`);
    await run('thread', 'new', 'other/elsewhere', 'over there');
    const seqs = async (...args: string[]) =>
      (
        JSON.parse((await run('thread', 'read', ...args, '--json')).stdout) as { entries: { seq: number }[] }
      ).entries.map((e) => e.seq);
    expect(await seqs('log', '--limit', '2')).toEqual([6, 7]);
    expect(await seqs('log', '-n', '3')).toEqual([5, 6, 7]);
    expect(await seqs('log', '-a')).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(await seqs('elsewhere', '-p', 'other')).toEqual([0]);
    const one = await run('thread', 'read', 'log', '-n', '1');
    expect(one.stderr).toBe('(7 earlier entries: --all shows them)\n');
    const last = await run('thread', 'read', 'log', '-n', '7');
    expect(last.stderr).toBe('(1 earlier entry: --all shows them)\n');
    for (const bad of [
      ['-n', '0'],
      ['-n', 'x'],
      ['-n', '2', '--all'],
    ]) {
      const refused = await run('thread', 'read', 'log', ...bad);
      expect(isOneLineError(refused), bad.join(' ')).toBe(true);
      expect(refused.code).toBe(2);
    }
  });

  it('names entries the way it prints them: OK: thread/seq, project/thread/seq, thread#seq, an id', async () => {
    const pushed = await run('thread', 'new', 'auth-refactor', 'first');
    expect(pushed.stdout.split('\n')[0]).toBe('CREATED: app/auth-refactor');
    const ok = (await run('thread', 'push', 'auth-refactor', 'second')).stdout.split('\n')[0]!;
    expect(ok).toBe('OK: auth-refactor/1');
    const id = (
      JSON.parse((await run('thread', 'read', 'auth-refactor', '--json')).stdout) as {
        entries: { id: string }[];
      }
    ).entries[1]!.id;
    for (const [ref, tag] of [
      [ok.slice('OK: '.length), 'one'],
      ['app/auth-refactor/1', 'two'],
      ['auth-refactor#1', 'three'],
      ['app/auth-refactor#1', 'four'],
      [id, 'five'],
      [id.slice(0, 30), 'six'],
    ] as const) {
      const tagged = await run('thread', 'tag', ref, tag);
      expect(tagged.stdout, ref).toBe(`TAGGED: app/auth-refactor/1 #${tag}\nqueued: ${NOT_LOGGED_IN}\n`);
    }
    const missing = await run('thread', 'tag', 'auth-refactor/9', 'x');
    expect(isOneLineError(missing)).toBe(true);
    expect(missing.stderr).toBe('vlt: no entry auth-refactor/9: the thread has entries 0 to 1\n');
  });

  it('with --json, an error is also a JSON object on stdout', async () => {
    const missing = await run('thread', 'read', 'nope', '--json');
    expect(missing.code).toBe(1);
    expect(JSON.parse(missing.stdout)).toEqual({
      error: { code: 'not_found', message: expect.stringMatching(/^no thread 'app\/nope'/) },
    });
    expect(missing.stderr).toBe(`vlt: ${JSON.parse(missing.stdout).error.message}\n`);
    // A negative value after its option is judged as a value, not read as an option `-3`.
    const negative = await run('thread', 'seek', 'x', '--limit', '-3');
    expect([negative.code, negative.stderr]).toEqual([
      2,
      expect.stringMatching(/^vlt: --limit must be a whole number from 1 to 100.*'-3'.*\n$/),
    ]);
    const usage = await run('thread', 'seek', 'x', '--limit', '0', '--json');
    expect(usage.code).toBe(2);
    expect(JSON.parse(usage.stdout).error.code).toBe('usage');
    const parse = await run('thread', 'read', '--json', '--bogus');
    expect(parse.code).toBe(2);
    expect(JSON.parse(parse.stdout).error).toEqual({
      code: 'usage',
      message: expect.stringContaining('--help'),
    });
    expect(parse.stderr.split('\n')).toHaveLength(2);
    // Without --json, stdout stays empty.
    expect((await run('thread', 'read', 'nope')).stdout).toBe('');
  });

  it('lists threads with counts, status and sync state', async () => {
    await run('thread', 'new', 'auth', 'one');
    await run('thread', 'push', 'auth', 'two');
    await run('thread', 'new', 'other/ci', 'elsewhere');
    await run('thread', 'status', 'auth', 'blocked');
    const here = JSON.parse((await run('thread', 'list', '--json')).stdout);
    expect(here.threads).toEqual([
      expect.objectContaining({
        project: 'app',
        thread: 'auth',
        status: 'blocked',
        entries: 2,
        localSeq: 1,
        syncedSeq: -1,
      }),
    ]);
    const all = JSON.parse((await run('thread', 'list', '--all', '--json')).stdout);
    expect(all.threads.map((t: { thread: string }) => t.thread).sort()).toEqual(['auth', 'ci']);
    const blocked = JSON.parse((await run('thread', 'list', '--all', '--status', 'active', '--json')).stdout);
    expect(blocked.threads.map((t: { thread: string }) => t.thread)).toEqual(['ci']);
    const table = await run('thread', 'list');
    expect(table.stdout).toMatch(
      /THREAD\s+STATUS\s+ENTRIES\s+LAST ACTIVITY\s+SYNC\napp\/auth\s+blocked\s+2\s+just now\s+2 pending/,
    );
  });

  it('seeks across projects with ranked snippets, and --project restricts', async () => {
    await run('thread', 'new', 'auth', 'JWT expiry set to 90 days after review');
    await run('thread', 'new', 'other/keys', 'Key rotation: JWT signing keys rotate monthly');
    const all = JSON.parse((await run('thread', 'seek', 'jwt', '--json')).stdout);
    expect(all.results).toHaveLength(2);
    expect(Object.keys(all.results[0]).sort()).toEqual([
      'entryId',
      'project',
      'score',
      'seq',
      'snippet',
      'thread',
    ]);
    expect(all.results[0].snippet).toContain('**JWT**');
    const scoped = JSON.parse((await run('thread', 'seek', 'jwt', '--project', 'other', '--json')).stdout);
    expect(scoped.results.map((r: { thread: string }) => r.thread)).toEqual(['keys']);
    const human = await run('thread', 'seek', 'rotation');
    expect(human.stdout).toMatch(/^other\/keys#0 {2}\d+\.\d\d {2}\[user\]\n {2}Key \*\*rotation\*\*/);
    const none = await run('thread', 'seek', 'zebra');
    expect(none.code).toBe(0);
    expect(none.stderr).toContain('no entries match');
  });

  it('tags, links, moves and sets status', async () => {
    await run('thread', 'new', 'auth', 'decided JWT');
    await run('thread', 'new', 'infra', 'secrets live in vault');
    expect((await run('thread', 'tag', 'auth#0', 'Decision')).stdout).toBe(
      `TAGGED: app/auth/0 #decision\nqueued: ${NOT_LOGGED_IN}\n`,
    );
    expect((await run('thread', 'tag', 'auth#0', 'decision')).stdout).toContain('already tagged');
    expect((await run('thread', 'link', 'auth#0', 'infra', '--note', 'keys')).stdout).toBe(
      `LINKED: app/auth/0 → app/infra\nqueued: ${NOT_LOGGED_IN}\n`,
    );
    expect((await run('thread', 'link', 'auth#0', 'infra', '--note', 'keys')).stdout).toBe(
      'already linked: app/auth/0 → app/infra\n',
    );
    // Without --note the link keeps its note.
    expect((await run('thread', 'link', 'auth#0', 'infra')).stdout).toBe(
      'already linked: app/auth/0 → app/infra\n',
    );
    expect((await run('thread', 'read', 'auth')).stdout).toMatch(
      /decided JWT\n +#decision {2}→ app\/infra \(keys\)\n$/,
    );
    expect((await run('thread', 'move', 'infra', 'ops')).stdout).toBe(
      `MOVED: app/infra → ops/infra\nqueued: ${NOT_LOGGED_IN}\n`,
    );
    expect((await run('thread', 'status', 'ops/infra', 'archived')).stdout).toBe(
      `STATUS: ops/infra archived\nqueued: ${NOT_LOGGED_IN}\n`,
    );
    expect((await run('thread', 'status', 'ops/infra', 'archived')).stdout).toBe(
      'STATUS: ops/infra archived\n',
    );
    const read = JSON.parse((await run('thread', 'read', 'auth', '--json')).stdout);
    expect(read.entries[0].tags).toEqual(['decision']);
    const ops = JSON.parse((await run('thread', 'list', '--project', 'ops', '--json')).stdout);
    expect(ops.threads).toMatchObject([{ thread: 'infra', status: 'archived' }]);
  });

  it('summarizes a thread, the same bytes twice, and the next read after a push includes it', async () => {
    await run('thread', 'new', 'auth', 'Goal: JWT sessions');
    await run('thread', 'push', 'auth', 'Decided: 90-day expiry');
    await run('thread', 'push', 'auth', 'Blocked by the key rotation service');
    const text = await run('thread', 'summary', 'auth');
    expect(text.code).toBe(0);
    expect(text.stdout).toBe(
      [
        'app/auth · active · 3 entries (summary current to #2)',
        'Goal: JWT sessions [auth#0]',
        'Blockers:',
        '- Blocked by the key rotation service [auth#2]',
        'Decisions:',
        '- Decided: 90-day expiry [auth#1]',
        '',
      ].join('\n'),
    );
    expect((await run('thread', 'summary', 'auth')).stdout).toBe(text.stdout);
    const first = (await run('thread', 'summary', 'app/auth', '--json')).stdout;
    expect((await run('thread', 'summary', 'app/auth', '--json')).stdout).toBe(first);
    const json = JSON.parse(first);
    const read = JSON.parse((await run('thread', 'read', 'auth', '--json')).stdout);
    expect(json).toMatchObject({
      project: 'app',
      thread: 'auth',
      status: 'active',
      currentTo: { seq: 2, entryId: read.entries[2].id },
      mode: 'deterministic',
      version: SUMMARY_VERSION,
      goal: { seq: 0, text: 'JWT sessions' },
      decisions: [{ seq: 1, text: 'Decided: 90-day expiry' }],
    });
    await run('thread', 'push', 'auth', 'Unblocked: the service is back');
    const after = JSON.parse((await run('thread', 'summary', 'auth', '--json')).stdout);
    expect(after.currentTo.seq).toBe(3);
    expect(after.blockers).toEqual([]);
    expect(after.summary).toContain('Unblocked: the service is back [auth#3]');
    const missing = await run('thread', 'summary', 'nope');
    expect(isOneLineError(missing)).toBe(true);
    expect(missing.stderr).toContain("no thread 'app/nope'");
  });

  it('takes the author from the flag, then VLT_AUTHOR, then config', async () => {
    await run('config', 'set', 'author', 'from-config');
    await run('thread', 'new', 'a', 'one');
    box.env.VLT_AUTHOR = 'from-env';
    await run('thread', 'push', 'a', 'two');
    await run('thread', 'push', 'a', 'three', '--author', 'from-flag');
    const read = JSON.parse((await run('thread', 'read', 'a', '--json')).stdout);
    expect(read.entries.map((e: { author: string }) => e.author)).toEqual([
      'from-config',
      'from-env',
      'from-flag',
    ]);
  });
});

describe('config', () => {
  it('sets, gets and lists with sources, storing config.toml with mode 0600', async () => {
    expect((await run('config', 'get', 'server.url')).stdout).toBe('http://localhost:8000\n');
    expect((await run('config', 'set', 'server.url', 'https://vlt.example.com/')).stdout).toBe(
      'SET: server.url = https://vlt.example.com\n',
    );
    expect((await run('config', 'set', 'sync.token', 'secret-token-123456')).stdout).toBe(
      'SET: sync.token = secr…3456 (for https://vlt.example.com)\n',
    );
    expect(statSync(join(box.home, 'config.toml')).mode & 0o777).toBe(0o600);
    const list = JSON.parse((await run('config', 'list', '--json')).stdout);
    expect(list.settings).toEqual([
      { key: 'server.url', value: 'https://vlt.example.com', source: 'config.toml' },
      { key: 'sync.token', value: 'secr…3456', source: 'config.toml' },
      { key: 'author', value: 'user', source: 'default' },
    ]);
    expect((await run('config', 'list')).stdout).not.toContain('secret-token-123456');
    box.env.VLT_SERVER_URL = 'http://127.0.0.1:9';
    expect(JSON.parse((await run('config', 'get', 'server.url', '--json')).stdout)).toEqual({
      key: 'server.url',
      value: 'http://127.0.0.1:9',
      source: 'env',
    });
  });

  it('lets vlt.toml name the server for its project', async () => {
    writeFileSync(
      join(box.cwd, 'vlt.toml'),
      '[project]\nid = "app"\n[oracle]\nvault_url = "http://127.0.0.2:8000"\n',
    );
    await run('config', 'set', 'server.url', 'http://config.example:8000');
    expect((await run('config', 'get', 'server.url')).stdout).toBe('http://127.0.0.2:8000\n');
  });

  it('keeps a token per server origin; a vlt.toml server brings none, VLT_SYNC_TOKEN belongs to the own server', async () => {
    await run('config', 'set', 'server.url', 'http://mine.example:8000/');
    // From stdin: the token stays out of the command line (and the shell history).
    const set = await vltInProcess(box, ['config', 'set', 'sync.token', '-'], 'token-for-mine-1234\n');
    expect(set.stdout).toBe('SET: sync.token = toke…1234 (for http://mine.example:8000)\n');
    expect(readFileSync(join(box.home, 'config.toml'), 'utf8')).toContain(
      '[tokens]\n"http://mine.example:8000" = "token-for-mine-1234"',
    );
    const project = join(box.cwd, 'checkout');
    mkdirSync(project);
    writeFileSync(
      join(project, 'vlt.toml'),
      '[project]\nid = "app"\n[oracle]\nvault_url = "http://other.example"\n',
    );
    const inCheckout = { ...box, cwd: project };
    const get = (where: Sandbox) => vltInProcess(where, ['config', 'get', 'sync.token', '--json']);
    expect(JSON.parse((await get(box)).stdout)).toEqual({
      key: 'sync.token',
      value: 'token-for-mine-1234',
      source: 'config.toml',
      server: 'http://mine.example:8000',
    });
    expect(JSON.parse((await get(inCheckout)).stdout)).toMatchObject({
      value: null,
      server: 'http://other.example',
    });
    box.env.VLT_SYNC_TOKEN = 'token-from-the-env';
    expect(JSON.parse((await get(box)).stdout)).toMatchObject({ value: 'token-from-the-env', source: 'env' });
    expect(JSON.parse((await get(inCheckout)).stdout)).toMatchObject({ value: null, source: 'unset' });
    delete box.env.VLT_SYNC_TOKEN;
    // A token set there is that server's only.
    await vltInProcess(inCheckout, ['config', 'set', 'sync.token', '-'], 'token-for-other-99\n');
    expect(JSON.parse((await get(inCheckout)).stdout)).toMatchObject({ value: 'token-for-other-99' });
    expect(JSON.parse((await get(box)).stdout)).toMatchObject({ value: 'token-for-mine-1234' });
    const list = JSON.parse((await vltInProcess(inCheckout, ['config', 'list', '--json'])).stdout);
    expect(list.settings).toEqual([
      { key: 'server.url', value: 'http://other.example', source: 'vlt.toml' },
      { key: 'sync.token', value: 'toke…r-99', source: 'config.toml' },
      { key: 'author', value: 'user', source: 'default' },
    ]);
    const empty = await vltInProcess(box, ['config', 'set', 'sync.token', '-'], '\n');
    expect(isOneLineError(empty), empty.stderr).toBe(true);
  });

  it("reads a token from before tokens were kept per origin as config.toml server.url's", async () => {
    mkdirSync(box.home, { recursive: true });
    writeFileSync(join(box.home, 'config.toml'), '[sync]\ntoken = "legacy-token-1234"\n');
    const get = async () => JSON.parse((await run('config', 'get', 'sync.token', '--json')).stdout);
    expect(await get()).toMatchObject({ value: 'legacy-token-1234', server: 'http://localhost:8000' });
    writeFileSync(
      join(box.home, 'config.toml'),
      '[server]\nurl = "https://vlt.example.com"\n[sync]\ntoken = "legacy-token-1234"\n',
    );
    expect(await get()).toMatchObject({ value: 'legacy-token-1234', server: 'https://vlt.example.com' });
    box.env.VLT_SERVER_URL = 'http://127.0.0.1:9';
    expect(await get()).toMatchObject({ value: null });
    delete box.env.VLT_SERVER_URL;
    await run('config', 'set', 'author', 'me');
    const rewritten = readFileSync(join(box.home, 'config.toml'), 'utf8');
    expect(rewritten).toContain('[tokens]\n"https://vlt.example.com" = "legacy-token-1234"');
    expect(rewritten).not.toContain('[sync]');
    expect(await get()).toMatchObject({ value: 'legacy-token-1234' });
  });

  it('logs out of the server in force only, forgetting its token and keeping the others', async () => {
    box.env.VLT_SERVER_URL = 'http://127.0.0.1:9';
    await vltInProcess(box, ['config', 'set', 'sync.token', '-'], 'token-for-nine-1\n');
    box.env.VLT_SERVER_URL = 'http://127.0.0.1:10';
    await vltInProcess(box, ['config', 'set', 'sync.token', '-'], 'token-for-ten-12\n');
    box.env.VLT_SERVER_URL = 'http://127.0.0.1:9';
    const out = await run('auth', 'logout');
    expect(out.code).toBe(0);
    expect(out.stdout).toBe('Logged out of http://127.0.0.1:9\n');
    expect(out.stderr).toMatch(/^vlt: the token is forgotten here but was not revoked \(cannot reach/);
    const config = readFileSync(join(box.home, 'config.toml'), 'utf8');
    expect(config).not.toContain('token-for-nine-1');
    expect(config).toContain('"http://127.0.0.1:10" = "token-for-ten-12"');
    expect((await run('auth', 'logout')).stdout).toBe('Not logged in to http://127.0.0.1:9.\n');
  });

  it('refuses unknown keys and bad values, writing nothing', async () => {
    for (const args of [
      ['config', 'set', 'colour', 'blue'],
      ['config', 'set', 'server.url', 'not a url'],
      ['config', 'set', 'server.url', 'ftp://x'],
      ['config', 'set', 'author', ''],
      ['config', 'set', 'sync.token', 'has space'],
      ['config', 'get', 'sync.token'],
    ]) {
      const result = await run(...args);
      expect(isOneLineError(result), `${args.join(' ')}: ${result.stderr}`).toBe(true);
    }
    expect(() => statSync(join(box.home, 'config.toml'))).toThrow();
  });
});

describe('usage errors', () => {
  it('reports parse errors as one line on stderr with a pointer to --help', async () => {
    const missing = await run('thread', 'push');
    expect(missing).toMatchObject({ code: 2, stdout: '' });
    expect(missing.stderr).toBe('vlt: not enough positional arguments: see `vlt thread push --help`\n');
    const unknown = await run('thread', 'frobnicate');
    expect(isOneLineError(unknown)).toBe(true);
    expect(unknown.stderr).toBe(
      "vlt: unknown command 'thread frobnicate': the thread commands are new, push, read, list, seek, tag, link, move, status, summary, edit, rm, history, delete (see `vlt --help`)\n",
    );
    const group = await run('sync');
    expect(group).toMatchObject({ code: 2, stdout: '' });
    expect(group.stderr).toBe(
      "vlt: 'sync' needs a command: status, retry, queue, thread, all, pull (see `vlt --help`)\n",
    );
    expect((await run('frobnicate')).stderr).toBe("vlt: unknown command 'frobnicate': see `vlt --help`\n");
    expect((await run('\u001b]0;x\u0007')).stderr).toBe(
      "vlt: unknown command '\\x1b]0;x\\x07': see `vlt --help`\n",
    );
    const option = await run('thread', 'list', '--bogus');
    expect(isOneLineError(option)).toBe(true);
  });

  it('shows help and version', async () => {
    const help = await run('--help');
    expect(help.code).toBe(0);
    for (const command of ['thread push', 'thread seek', 'config set', 'init'])
      expect(help.stdout).toContain(command);
    expect((await run('--version')).stdout.trim()).toMatch(/^\d+\.\d+\.\d+$/);
    const pushHelp = await run('thread', 'push', '--help');
    expect(pushHelp.stdout).toContain('--no-sync');
    // Options that take a value name it, in the list and in each command's options.
    expect(help.stdout).toContain('vlt init [--json] [-p,--project <project>] [--name <name>]');
    const seekHelp = (await run('thread', 'seek', '--help')).stdout;
    expect(seekHelp).toMatch(/^ {2}-p,--project <project> {4}Only this project$/m);
    for (const text of [help.stdout, seekHelp, pushHelp.stdout]) expect(text).not.toContain('#0');
  });
});
