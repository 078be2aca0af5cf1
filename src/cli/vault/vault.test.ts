import Database from 'better-sqlite3';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createThread, pushEntry } from './append.js';
import { openVault, type Sqlite } from './open.js';
import { Vault } from './vault.js';

let dir: string;
let db: Sqlite;
let vault: Vault;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'vlt-vault-'));
  db = openVault(join(dir, 'vault.db'), { create: true })!;
  vault = new Vault(db);
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

const SERVER = 'http://localhost:8000';

const entry = (project: string, slug: string, content: string, author = 'user') => ({
  project,
  slug,
  content,
  author,
  server: null,
});

/** The schema version a vault reaches: one per migration in drizzle/vault. */
const SCHEMA = (
  JSON.parse(
    readFileSync(join(import.meta.dirname, '../../../drizzle/vault/meta/_journal.json'), 'utf8'),
  ) as { entries: unknown[] }
).entries.length;

describe('opening', () => {
  it('sets WAL, foreign keys, a busy timeout and applies every migration once', () => {
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1);
    expect(db.pragma('busy_timeout', { simple: true })).toBe(30000);
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA);
    const again = openVault(join(dir, 'vault.db'), { create: false })!;
    expect(again.pragma('user_version', { simple: true })).toBe(SCHEMA);
    again.close();
  });

  it('upgrades a vault of the schema before moves; moves and statuses wait to be sent only for a thread the server has', () => {
    // A vault as vlt left it before migration 0004: the first four migrations, one synced thread.
    const path = join(dir, 'old.db');
    const old = new Database(path);
    const migrations = join(import.meta.dirname, '../../../drizzle/vault');
    for (const tag of ['0000_init', '0001_entries_fts', '0002_sync_meta', '0003_entries_vocab']) {
      const text = readFileSync(join(migrations, `${tag}.sql`), 'utf8');
      for (const statement of text.split('--> statement-breakpoint'))
        if (statement.trim()) old.exec(statement);
    }
    old.pragma('user_version = 4');
    old.exec(`INSERT INTO projects (id, name) VALUES ('app', 'app');
      INSERT INTO threads (project_id, slug, updated_at) VALUES ('app', 'synced', 'x'), ('app', 'local', 'x');
      INSERT INTO sync_watermarks (thread_pk, server_seq) VALUES (1, 3);`);
    old.close();
    const upgraded = openVault(path, { create: false })!;
    expect(upgraded.pragma('user_version', { simple: true })).toBe(SCHEMA);
    expect(upgraded.prepare('SELECT count(*) AS n FROM pending_thread_changes').get()).toEqual({ n: 0 });
    // A thread the server had, moved now, waits to be moved there too; one it never had does not.
    const upgradedVault = new Vault(upgraded);
    upgradedVault.moveThread(upgradedVault.requireThread('app', 'synced'), 'ops', SERVER);
    upgradedVault.moveThread(upgradedVault.requireThread('app', 'local'), 'ops', SERVER);
    expect(upgraded.prepare('SELECT thread_pk, from_project FROM pending_thread_changes').all()).toEqual([
      { thread_pk: 1, from_project: 'app' },
    ]);
    // Moved back, nothing is left to send.
    upgradedVault.moveThread(upgradedVault.requireThread('ops', 'synced'), 'app', SERVER);
    expect(upgraded.prepare('SELECT count(*) AS n FROM pending_thread_changes').get()).toEqual({ n: 0 });
    // A status waits to be sent the same way.
    upgradedVault.setStatus(upgradedVault.requireThread('app', 'synced'), 'archived', SERVER);
    upgradedVault.setStatus(upgradedVault.requireThread('ops', 'local'), 'archived', SERVER);
    expect(
      upgraded.prepare('SELECT thread_pk, from_project, status_changed FROM pending_thread_changes').all(),
    ).toEqual([{ thread_pk: 1, from_project: null, status_changed: 1 }]);
    upgraded.close();
  });

  it('does not create a vault for readers', () => {
    expect(openVault(join(dir, 'absent.db'), { create: false })).toBeUndefined();
  });

  it('names a file that is not a vault', () => {
    const bogus = join(dir, 'bogus.db');
    writeFileSync(bogus, 'this is not sqlite at all, just text that is long enough to have a header');
    expect(() => openVault(bogus, { create: false })).toThrow(/is not a vlt vault \(SQLITE_NOTADB\)/);
  });
});

describe('the vault file', () => {
  it('queued rows from before servers were recorded keep none: they go to the own server at sync', () => {
    const path = join(dir, 'v5.db');
    const old = new Database(path);
    const migrations = join(import.meta.dirname, '../../../drizzle/vault');
    const journal = JSON.parse(readFileSync(join(migrations, 'meta', '_journal.json'), 'utf8')) as {
      entries: { tag: string }[];
    };
    for (const { tag } of journal.entries.slice(0, 5)) {
      for (const statement of readFileSync(join(migrations, `${tag}.sql`), 'utf8').split(
        '--> statement-breakpoint',
      ))
        if (statement.trim()) old.exec(statement);
    }
    old.pragma('user_version = 5');
    old.exec(`INSERT INTO projects (id, name) VALUES ('app', 'app');
      INSERT INTO threads (project_id, slug, updated_at, last_seq) VALUES ('app', 'queued', 'x', 0);
      INSERT INTO entries (id, thread_pk, seq, content, author, timestamp) VALUES ('e0', 1, 0, 'c', 'a', 't');
      INSERT INTO outbox (entry_pk, thread_pk, created_at) VALUES (1, 1, 't');`);
    old.close();
    const upgraded = openVault(path, { create: false })!;
    expect(upgraded.prepare('SELECT entry_pk, server FROM outbox').all()).toEqual([
      { entry_pk: 1, server: null },
    ]);
    pushEntry(upgraded, { ...entry('app', 'queued', 'new'), server: 'https://vlt.example.com' });
    expect(upgraded.prepare('SELECT server FROM outbox ORDER BY entry_pk').all()).toEqual([
      { server: null },
      { server: 'https://vlt.example.com' },
    ]);
    upgraded.close();
  });

  it('is made whole with mode 0600 in any directory, which it warns about when others can read it', () => {
    const open = join(dir, 'open');
    mkdirSync(open, { mode: 0o777 });
    chmodSync(open, 0o777);
    const warnings: string[] = [];
    const made = openVault(join(open, 'vault.db'), { create: true, warn: (line) => warnings.push(line) })!;
    made.close();
    expect(statSync(join(open, 'vault.db')).mode & 0o777).toBe(0o600);
    expect(readdirSync(open)).toEqual(['vault.db']);
    expect(warnings).toEqual([
      `warning: ${open} can be read by other users (mode 0777): run \`chmod 700 ${open}\``,
    ]);
  });

  it('refuses an empty vault.db', () => {
    const empty = join(dir, 'empty.db');
    writeFileSync(empty, '');
    for (const create of [true, false]) {
      expect(() => openVault(empty, { create })).toThrow(/is empty \(0 bytes\), probably truncated/);
    }
  });
});

describe('threads and entries', () => {
  it('numbers entries 0, 1, 2 and links each to the previous one', () => {
    const first = createThread(db, { ...entry('app', 'auth', 'goal: JWT'), projectName: 'App' });
    const second = pushEntry(db, entry('app', 'auth', 'tried cookies'));
    const third = pushEntry(db, entry('app', 'auth', 'decided 90 days', 'claude'));
    expect([first.seq, second.seq, third.seq]).toEqual([0, 1, 2]);
    const thread = vault.requireThread('app', 'auth');
    const rows = db
      .prepare('SELECT id, seq, prev_id FROM entries WHERE thread_pk = ? ORDER BY seq')
      .all(thread.pk);
    expect(rows).toEqual([
      { id: first.entryId, seq: 0, prev_id: null },
      { id: second.entryId, seq: 1, prev_id: first.entryId },
      { id: third.entryId, seq: 2, prev_id: second.entryId },
    ]);
    const read = vault.readEntries(thread, { limit: 2 });
    expect(read.map((e) => [e.seq, e.author, e.content, e.synced])).toEqual([
      [1, 'user', 'tried cookies', false],
      [2, 'claude', 'decided 90 days', false],
    ]);
  });

  it('queues every written entry in the outbox in the same transaction', () => {
    createThread(db, { ...entry('app', 'auth', 'one'), projectName: 'app' });
    pushEntry(db, entry('app', 'auth', 'two'));
    expect(db.prepare("SELECT count(*) AS n FROM outbox WHERE state = 'pending'").get()).toEqual({ n: 2 });
    expect(vault.listThreads({})).toMatchObject([{ project: 'app', thread: 'auth', entries: 2, pending: 2 }]);
  });

  it('refuses unknown and duplicate threads without writing', () => {
    expect(() => pushEntry(db, entry('app', 'nope', 'x'))).toThrow(
      /no thread 'app\/nope'.*vlt thread new app\/nope/,
    );
    createThread(db, { ...entry('app', 'auth', 'one'), projectName: 'app' });
    expect(() => createThread(db, { ...entry('app', 'auth', 'again'), projectName: 'app' })).toThrow(
      /already exists/,
    );
    expect(db.prepare('SELECT count(*) AS n FROM entries').get()).toEqual({ n: 1 });
  });

  it('moves a thread, keeping its entries searchable under the new project', () => {
    createThread(db, { ...entry('app', 'ci', 'flaky cache on runners'), projectName: 'app' });
    createThread(db, { ...entry('infra', 'ci', 'other'), projectName: 'infra' });
    expect(() => vault.moveThread(vault.requireThread('app', 'ci'), 'infra', SERVER)).toThrow(
      /already has a thread 'ci'/,
    );
    vault.moveThread(vault.requireThread('app', 'ci'), 'ops', SERVER);
    expect(vault.findThread('app', 'ci')).toBeUndefined();
    expect(vault.seek('flaky', { project: 'ops', limit: 5 })).toMatchObject([
      { project: 'ops', thread: 'ci' },
    ]);
    expect(vault.seek('flaky', { project: 'app', limit: 5 })).toEqual([]);
  });
});

describe('search', () => {
  beforeEach(() => {
    createThread(db, {
      ...entry('app', 'auth', 'Decided: JWT tokens have an expiry of 90 days'),
      projectName: 'app',
    });
    pushEntry(db, entry('app', 'auth', 'Refresh tokens live in an httpOnly cookie'));
    pushEntry(db, entry('app', 'auth', 'Unrelated: lunch was good'));
    createThread(db, {
      ...entry('infra', 'deploy', 'Token rotation runs nightly; expiry alerts go to #ops'),
      projectName: 'infra',
    });
  });

  it('ranks by bm25 across projects with highlighted snippets, all words first', () => {
    const results = vault.seek('token expiry', { limit: 10 });
    expect(results.map((r) => `${r.project}/${r.thread}#${r.seq}`).sort()).toEqual([
      'app/auth#0',
      'infra/deploy#0',
    ]);
    expect(results[0]!.score).toBeGreaterThanOrEqual(results[1]!.score);
    expect(results.every((r) => /\*\*token/i.test(r.snippet))).toBe(true);
  });

  it('falls back to any word, restricts to a project, and treats FTS syntax as words', () => {
    expect(vault.seek('cookie zebra', { limit: 10 }).map((r) => r.seq)).toEqual([1]);
    expect(vault.seek('token', { project: 'infra', limit: 10 }).map((r) => r.project)).toEqual(['infra']);
    expect(vault.seek('token" OR (NEAR', { limit: 10 }).length).toBeGreaterThan(0);
    expect(() => vault.seek('"()"', { limit: 10 })).toThrow(/no words/);
  });

  it('falls back to the words that are not common in the vault, not to every entry with a common one', () => {
    // 1,100 entries say "build": more than commonAt (1,000) of the vault's entries.
    const insert = db.transaction(() => {
      createThread(db, { ...entry('app', 'log', 'we shipped build 0'), projectName: 'app' });
      for (let i = 1; i < 1100; i++) pushEntry(db, entry('app', 'log', `we shipped build ${i}`));
      pushEntry(db, entry('app', 'log', 'and a freeze over the holidays'));
    });
    insert();
    expect(vault.seek('build holidays', { limit: 10 }).map((r) => r.seq)).toEqual([1100]);
    // Inside a thread too (`thread read --search`).
    const log = vault.requireThread('app', 'log');
    expect(vault.readEntries(log, { search: 'build holidays' }).map((h) => h.seq)).toEqual([1100]);
    // A common word that is the only one any entry holds is still looked for.
    expect(vault.seek('build zebra', { limit: 10 })).toHaveLength(10);
    // Narrowed to a project where "holidays" is not: all the words again, for that project's "build".
    createThread(db, { ...entry('small', 'ci', 'the build broke on arm64'), projectName: 'small' });
    expect(vault.seek('build holidays', { project: 'small', limit: 10 }).map((r) => r.thread)).toEqual([
      'ci',
    ]);
    // Words the index splits (snake case, accents) are counted 0: they stay in the fallback
    // ("refresh_token" is the phrase "refresh token", which auth#1's "Refresh tokens" holds).
    pushEntry(db, entry('small', 'ci', 'the refresh_token expired at the café'));
    const split = vault.seek('refresh_token holidays', { limit: 10 }).map((r) => `${r.thread}#${r.seq}`);
    expect(split.sort()).toEqual(['auth#1', 'ci#1', 'log#1100']);
    expect(vault.seek('café holidays', { limit: 10 })).toHaveLength(2);
  });

  it('searches inside one thread for `thread read --search`', () => {
    const thread = vault.requireThread('app', 'auth');
    const hits = vault.readEntries(thread, { search: 'tokens' });
    expect(hits.map((h) => h.seq)).toEqual([0, 1]);
    expect(hits[1]!.highlight).toBe('Refresh **tokens** live in an httpOnly cookie');
  });
});

describe('tags, links and entry references', () => {
  it('resolves ids, prefixes and thread#seq, and tags idempotently', () => {
    const written = createThread(db, { ...entry('app', 'auth', 'first'), projectName: 'app' });
    pushEntry(db, entry('app', 'auth', 'second'));
    const byId = vault.resolveEntry(written.entryId, undefined);
    expect(byId.label).toBe('app/auth/0');
    expect(vault.resolveEntry(written.entryId.slice(0, 30), undefined).id).toBe(written.entryId);
    expect(vault.resolveEntry('auth#1', 'app').label).toBe('app/auth/1');
    expect(vault.resolveEntry('auth/1', 'app').label).toBe('app/auth/1');
    expect(vault.resolveEntry('app/auth/1', undefined).label).toBe('app/auth/1');
    expect(vault.resolveEntry('app/auth#1', undefined).id).toBe(vault.resolveEntry('auth/1', 'app').id);
    expect(() => vault.resolveEntry('auth#7', 'app')).toThrow(/entries 0 to 1/);
    expect(() => vault.resolveEntry('zz', 'app')).toThrow(/is not an entry/);
    expect(vault.tagEntry(byId.pk, 'decision', null)).toBe(true);
    expect(vault.tagEntry(byId.pk, 'decision', null)).toBe(false);
    const thread = vault.requireThread('app', 'auth');
    expect(vault.readEntries(thread, {}).map((e) => e.tags)).toEqual([['decision'], []]);
  });

  it('links an entry to a thread and replaces the note on a second link', () => {
    const written = createThread(db, { ...entry('app', 'auth', 'see infra'), projectName: 'app' });
    createThread(db, { ...entry('infra', 'secrets', 'rotation'), projectName: 'infra' });
    const source = vault.resolveEntry(written.entryId, undefined);
    vault.linkEntry(source.pk, vault.requireThread('infra', 'secrets'), 'first note', null);
    vault.linkEntry(source.pk, vault.requireThread('infra', 'secrets'), 'second note', null);
    expect(vault.linksFrom([written.entryId]).get(written.entryId)).toEqual([
      { project: 'infra', thread: 'secrets', note: 'second note' },
    ]);
  });
});

describe('summaries', () => {
  const statesRow = () =>
    db.prepare("SELECT summary, head_entry_id, algorithm FROM states WHERE target_type = 'thread'").all() as {
      summary: string;
      head_entry_id: string;
      algorithm: number;
    }[];

  it('stores the summary with the entry it is current to, and makes it again once the thread moved on', () => {
    createThread(db, { ...entry('app', 'auth', 'Goal: JWT sessions'), projectName: 'app' });
    pushEntry(db, entry('app', 'auth', 'Decided: 90-day expiry'));
    const first = vault.threadSummary(vault.requireThread('app', 'auth'));
    expect(first.rebuilt).toBe(true);
    expect(first.summary.decisions).toEqual([{ seq: 1, text: 'Decided: 90-day expiry' }]);
    const [row] = statesRow();
    expect(row!.algorithm).toBe(first.version);
    expect(row!.head_entry_id).toBe(first.headEntryId);
    // Read again: the stored one, byte for byte.
    const again = vault.threadSummary(vault.requireThread('app', 'auth'));
    expect(again.rebuilt).toBe(false);
    expect(JSON.stringify(again.summary)).toBe(JSON.stringify(first.summary));

    const pushed = pushEntry(db, entry('app', 'auth', 'We will rotate keys monthly'));
    const moved = vault.threadSummary(vault.requireThread('app', 'auth'));
    expect(moved.rebuilt).toBe(true);
    expect(moved.headEntryId).toBe(pushed.entryId);
    expect(moved.summary.text).toContain('We will rotate keys monthly [auth#2]');
    expect(statesRow()).toHaveLength(1);
  });

  it('makes it again after a tag, a status, a move or another algorithm, from the entries only', () => {
    createThread(db, { ...entry('app', 'auth', 'Goal'), projectName: 'app' });
    pushEntry(db, entry('app', 'auth', 'RS256 for signing'));
    const thread = () => vault.requireThread('app', 'auth');
    expect(vault.threadSummary(thread()).summary.decisions).toEqual([]);
    vault.tagEntry(vault.resolveEntry('auth#1', 'app').pk, 'decision', null);
    expect(vault.threadSummary(thread()).summary.decisions.map((d) => d.seq)).toEqual([1]);
    vault.setStatus(thread(), 'blocked', null);
    expect(vault.threadSummary(thread()).summary.status).toBe('blocked');
    vault.moveThread(thread(), 'ops', null);
    const movedThread = vault.requireThread('ops', 'auth');
    expect(vault.threadSummary(movedThread).summary.project).toBe('ops');
    // A stored summary of another algorithm, or written over by hand, is not trusted.
    db.prepare('UPDATE states SET summary = \'{"text":"stale"}\', algorithm = 0').run();
    const rebuilt = vault.threadSummary(movedThread);
    expect(rebuilt.rebuilt).toBe(true);
    expect(rebuilt.summary.text).toContain('ops/auth · blocked · 2 entries');
  });

  it('stays under the cap for a thread of 5,000 entries', () => {
    db.pragma('synchronous = OFF');
    createThread(db, { ...entry('app', 'long', 'Goal: '.padEnd(3000, 'g')), projectName: 'app' });
    db.transaction(() => {
      for (let i = 1; i < 5000; i++) {
        const content =
          i % 7 === 0 ? `Decided ${i}: ${'because '.repeat(40)}` : `step ${i}: ${'detail '.repeat(30)}`;
        pushEntry(db, entry('app', 'long', content));
      }
    })();
    const { summary } = vault.threadSummary(vault.requireThread('app', 'long'));
    expect(summary.headSeq).toBe(4999);
    expect(summary.text.length).toBeLessThanOrEqual(1500);
    expect(summary.decisions.at(-1)!.seq).toBe(4998);
    expect(summary.text).toContain('[long#4999]');
  });
});
