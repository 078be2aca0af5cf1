// The server database on embedded SQLite (better-sqlite3, WAL): drizzle/server's migrations, the
// Executor over prepared statements cached by their SQL text (a push runs the same few statements
// for every entry), group commit on the writing connection and reads on a second one.
import Database from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { AsyncLocalStorage } from 'node:async_hooks';
import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import {
  INSERTED_ENTRY_COLUMNS,
  migrationsFolder,
  type Executor,
  type NewEntry,
  type ServerDb,
} from './index.js';
import { sqliteSearch } from './sqlite-search.js';

const dialect = new SQLiteSyncDialect();
/** At most this many transactions, and this long, in one commit group. */
const GROUP_JOBS = 64;
const GROUP_MS = 50;

/**
 * The database file is the server's alone (0600: it holds every entry and the password hashes),
 * whatever the umask or the directory's mode; SQLite gives its -wal and -shm files the same mode.
 */
function ownerOnly(file: string): void {
  if (file === ':memory:' || file === '') return;
  closeSync(openSync(file, 'a', 0o600));
  if ((statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
  for (const companion of [`${file}-wal`, `${file}-shm`]) {
    if (existsSync(companion) && (statSync(companion).mode & 0o077) !== 0) chmodSync(companion, 0o600);
  }
}

/**
 * An Executor on one connection, over prepared statements cached by their SQL text (a push runs
 * the same few statements for every batch).
 */
function executorOn(connection: Database.Database) {
  const statements = new Map<string, Database.Statement>();
  const prepare = (query: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(query);
    let statement = statements.get(text);
    if (!statement) {
      statement = connection.prepare(text);
      if (statements.size > 500) statements.clear();
      statements.set(text, statement);
    }
    return { statement, params: params as unknown[] };
  };
  const executor: Executor & { prepare: typeof prepare } = {
    prepare,
    all: <T>(query: SQL) =>
      attempt(() => {
        const { statement, params } = prepare(query);
        return statement.all(...params) as T[];
      }),
    get: <T>(query: SQL) =>
      attempt(() => {
        const { statement, params } = prepare(query);
        return statement.get(...params) as T | undefined;
      }),
    run: (query: SQL) =>
      attempt(() => {
        const { statement, params } = prepare(query);
        return statement.run(...params).changes;
      }),
  };
  return executor;
}

// better-sqlite3 throws at once; an Executor answers with a rejected promise, as on PostgreSQL.
function attempt<T>(work: () => T): Promise<T> {
  try {
    return Promise.resolve(work());
  } catch (error) {
    return Promise.reject(error as Error);
  }
}

export function openSqlite(file: string): ServerDb {
  ownerOnly(file);
  const sqlite = new Database(file);
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  migrate(drizzle(sqlite), { migrationsFolder: migrationsFolder('server') });

  const executor = executorOn(sqlite);
  // Reads outside a transaction go to a second connection, which (WAL) reads what is committed:
  // a read never waits for a commit group to fill and commit, nor sees a group's uncommitted work.
  // A push's token check is such a read: it no longer waits for the group before, so the push can
  // join the group that is filling. A statement that writes (INSERT … RETURNING through `get`)
  // goes to the writer. A database in memory has the one connection.
  const reader = file === ':memory:' || file === '' ? undefined : new Database(file);
  if (reader) {
    reader.pragma('busy_timeout = 10000');
    reader.pragma('query_only = ON');
  }
  const readerExecutor = reader ? executorOn(reader) : undefined;

  // A push's batch insert, prepared once per batch size (a push is usually of 100 entries): the
  // same statement as PostgreSQL's (postgres.ts), without building 100 rows of SQL each time.
  const inserts = new Map<number, Database.Statement>();
  const insertEntries = (
    _tx: Executor,
    userId: string,
    threadPk: number,
    receivedAt: string,
    entries: NewEntry[],
  ) =>
    attempt(() => {
      let statement = inserts.get(entries.length);
      if (!statement) {
        statement = sqlite.prepare(
          `INSERT INTO entries (${INSERTED_ENTRY_COLUMNS})
           VALUES ${Array<string>(entries.length).fill('(?, ?, ?, ?, ?, ?, ?, ?, ?)').join(', ')}
           ON CONFLICT DO NOTHING RETURNING entry_id AS "entryId", pk`,
        );
        if (inserts.size >= 32) inserts.clear();
        inserts.set(entries.length, statement);
      }
      const params: unknown[] = [];
      for (const e of entries) {
        params.push(userId, threadPk, e.entryId, e.sequenceId, e.content, e.author, e.timestamp);
        params.push(receivedAt, e.deleted ? 1 : 0);
      }
      return statement.all(params) as { entryId: string; pk: number }[];
    });

  const { entrySearch, noteSearch, codeSearch, rolledBack } = sqliteSearch(sqlite, (fn) =>
    transaction(() => fn()),
  );

  // Group commit. Transactions run one at a time on this connection, each inside a SAVEPOINT of
  // one outer transaction; when the queue is empty the writer yields to the event loop once, so
  // that requests already received can join, then commits: one fsync (and one FTS5 flush) for
  // all of them. Each caller's promise settles only after that COMMIT (an acknowledged push is on
  // disk); a body that throws rolls back its own savepoint only. The bodies' awaits are on
  // statements that have already run (better-sqlite3 is synchronous).
  interface Job {
    fn: (tx: Executor) => Promise<unknown>;
    resolve: (value: unknown) => void;
    reject: (error: unknown) => void;
  }
  const waiting: Job[] = [];
  let writing = false;
  // Set while a job's body runs (through its awaits): a statement it sends through the database
  // rather than its `tx` is part of it; any other statement that writes waits its turn as a job of
  // its own, so that it never runs inside another request's savepoint (whose rollback would undo
  // it after its caller was told it was done).
  // (What a body starts and leaves running, a timer say, carries the context on: it counts as the
  // job's only until the body has settled.)
  const inJob = new AsyncLocalStorage<{ running: boolean }>();
  const jobRunning = () => inJob.getStore()?.running === true;
  const nextTick = () => new Promise<void>((resolve) => setImmediate(resolve));
  const writeGroups = async () => {
    writing = true;
    try {
      while (waiting.length > 0) {
        try {
          sqlite.exec('BEGIN IMMEDIATE');
        } catch (error) {
          waiting.shift()!.reject(error);
          continue;
        }
        const done: { job: Job; value: unknown }[] = [];
        const groupStarted = Date.now();
        for (let jobs = 0; jobs < GROUP_JOBS && Date.now() - groupStarted < GROUP_MS; jobs++) {
          if (waiting.length === 0) await nextTick();
          const job = waiting.shift();
          if (!job) break;
          try {
            sqlite.exec('SAVEPOINT job');
            const context = { running: true };
            const value = await inJob
              .run(context, () => job.fn(executor))
              .finally(() => {
                context.running = false;
              });
            sqlite.exec('RELEASE job');
            done.push({ job, value });
          } catch (error) {
            job.reject(error);
            rolledBack();
            try {
              sqlite.exec('ROLLBACK TO job');
              sqlite.exec('RELEASE job');
            } catch {
              // SQLite rolled the whole transaction back (e.g. the disk is full): the group's
              // earlier work is gone as well.
              if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
              for (const { job: lost } of done.splice(0)) lost.reject(error);
              break;
            }
          }
        }
        try {
          if (!sqlite.inTransaction) throw new Error('rolled back');
          sqlite.exec('COMMIT');
          for (const { job, value } of done) job.resolve(value);
        } catch (error) {
          if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
          rolledBack();
          for (const { job } of done) job.reject(error);
        }
      }
    } finally {
      writing = false;
    }
  };
  const transaction = <T>(fn: (tx: Executor) => Promise<T>): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      waiting.push({ fn, resolve: resolve as (value: unknown) => void, reject });
      if (!writing) void writeGroups();
    });

  /**
   * Inside a job, on the writer (it sees the job's own work); else on the reader if SQLite says
   * the statement only reads (what is committed), else as a job of its own.
   */
  const read = <T>(query: SQL, kind: 'all' | 'get'): Promise<T> => {
    if (jobRunning()) return executor[kind](query) as Promise<T>;
    if (readerExecutor) {
      try {
        const { statement, params } = readerExecutor.prepare(query);
        if (statement.readonly) return Promise.resolve(statement[kind](...params) as T);
      } catch (error) {
        return Promise.reject(error as Error);
      }
    }
    return transaction((tx) => tx[kind](query) as Promise<T>);
  };
  const outside: Executor = {
    all: <T>(query: SQL) => read<T[]>(query, 'all'),
    get: <T>(query: SQL) => read<T | undefined>(query, 'get'),
    run: (query) => (jobRunning() ? executor.run(query) : transaction((tx) => tx.run(query))),
  };
  return {
    dialect: 'sqlite',
    describe: file,
    ...outside,
    transaction,
    lock: () => Promise.resolve(),
    insertEntries,
    search: entrySearch,
    noteSearch,
    codeSearch,
    close: () => {
      reader?.close();
      sqlite.close();
      return Promise.resolve();
    },
  };
}
