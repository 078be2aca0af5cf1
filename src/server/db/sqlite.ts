// The server database on embedded SQLite (better-sqlite3, WAL): drizzle/server's migrations, and
// the Executor over prepared statements cached by their SQL text (a push runs the same few
// statements for every entry).
import Database from 'better-sqlite3';
import type { SQL } from 'drizzle-orm';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { SQLiteSyncDialect } from 'drizzle-orm/sqlite-core';
import { chmodSync, closeSync, existsSync, openSync, statSync } from 'node:fs';
import { migrationsFolder, type Executor, type ServerDb } from './index.js';
import { sqliteSearch } from './sqlite-search.js';

const dialect = new SQLiteSyncDialect();

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

export function openSqlite(file: string): ServerDb {
  ownerOnly(file);
  const sqlite = new Database(file);
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  migrate(drizzle(sqlite), { migrationsFolder: migrationsFolder('server') });

  const statements = new Map<string, Database.Statement>();
  const prepare = (query: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(query);
    let statement = statements.get(text);
    if (!statement) {
      statement = sqlite.prepare(text);
      if (statements.size > 500) statements.clear();
      statements.set(text, statement);
    }
    return { statement, params: params as unknown[] };
  };
  // better-sqlite3 throws at once; an Executor answers with a rejected promise, as on PostgreSQL.
  const attempt = <T>(work: () => T): Promise<T> => {
    try {
      return Promise.resolve(work());
    } catch (error) {
      return Promise.reject(error as Error);
    }
  };
  const executor: Executor = {
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

  // One transaction at a time on this connection. The body's awaits are on statements that have
  // already run (better-sqlite3 is synchronous), but a queue keeps that true even if one is not.
  let queue: Promise<unknown> = Promise.resolve();
  const transaction = <T>(fn: (tx: Executor) => Promise<T>): Promise<T> => {
    const result = queue.then(async () => {
      sqlite.exec('BEGIN IMMEDIATE');
      try {
        const value = await fn(executor);
        sqlite.exec('COMMIT');
        return value;
      } catch (error) {
        if (sqlite.inTransaction) sqlite.exec('ROLLBACK');
        throw error;
      }
    });
    queue = result.catch(() => undefined);
    return result;
  };

  const { entrySearch, noteSearch } = sqliteSearch(sqlite, (fn) => transaction(() => fn()));
  return {
    dialect: 'sqlite',
    describe: file,
    ...executor,
    transaction,
    lock: () => Promise.resolve(),
    search: entrySearch,
    noteSearch,
    close: () => {
      sqlite.close();
      return Promise.resolve();
    },
  };
}
