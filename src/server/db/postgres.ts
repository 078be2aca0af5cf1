// The server database on PostgreSQL: a real server through node-postgres (`postgres://…`), or
// PGlite, PostgreSQL compiled to WebAssembly, in this process (`pglite:memory`, `pglite:<dir>`;
// tests). drizzle/server-pg's migrations apply at open under an advisory lock, so that instances
// starting together migrate once.
import type { PGlite } from '@electric-sql/pglite';
import { sql, type SQL } from 'drizzle-orm';
import { PgDialect } from 'drizzle-orm/pg-core';
import {
  INSERTED_ENTRY_COLUMNS,
  migrationsFolder,
  type Executor,
  type NewEntry,
  type ServerDb,
} from './index.js';
import { postgresCodeSearch, postgresEntrySearch, postgresNoteSearch } from './postgres-search.js';

const dialect = new PgDialect();
/** The advisory lock key held while migrating ("vlt-migrate"). */
const MIGRATION_LOCK = 0x766c746d;

interface Queryable {
  query(
    text: string,
    params: unknown[],
  ): Promise<{ rows: unknown[]; rowCount?: number | null; affectedRows?: number }>;
}

/** A transaction-level advisory lock on `name` (ServerDb.lock). */
async function advisoryLock(tx: Executor, name: string): Promise<void> {
  await tx.run(sql`SELECT pg_advisory_xact_lock(hashtext(${name}))`);
}

/** ServerDb.insertEntries: the same statement as SQLite's (sqlite.ts), built for the batch. */
function insertEntries(
  tx: Executor,
  userId: string,
  threadPk: number,
  receivedAt: string,
  entries: NewEntry[],
) {
  return tx.all<{ entryId: string; pk: number }>(sql`
    INSERT INTO entries (${sql.raw(INSERTED_ENTRY_COLUMNS)})
    VALUES ${sql.join(
      entries.map(
        (e) =>
          sql`(${userId}, ${threadPk}, ${e.entryId}, ${e.sequenceId}, ${e.content}, ${e.author}, ${e.timestamp}, ${receivedAt}, ${e.deleted ? 1 : 0})`,
      ),
      sql`, `,
    )}
    ON CONFLICT DO NOTHING RETURNING entry_id AS "entryId", pk`);
}

function executorOn(client: Queryable): Executor {
  const query = (q: SQL) => {
    const { sql: text, params } = dialect.sqlToQuery(q);
    return client.query(text, params);
  };
  return {
    all: async <T>(q: SQL) => (await query(q)).rows as T[],
    get: async <T>(q: SQL) => (await query(q)).rows[0] as T | undefined,
    run: async (q: SQL) => {
      const result = await query(q);
      return result.rowCount ?? result.affectedRows ?? 0;
    },
  };
}

/** `postgres://user:secret@host/db` without the secret, for messages. */
function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'the database URL';
  }
}

export async function openPostgres(target: string, poolSize: number): Promise<ServerDb> {
  return target.startsWith('pglite:')
    ? openPglite(target.slice('pglite:'.length))
    : openServer(target, poolSize);
}

async function openPglite(where: string): Promise<ServerDb> {
  const { PGlite } = await import('@electric-sql/pglite');
  const pg = where === 'memory' || where === '' ? new PGlite() : new PGlite(where);
  return pgliteDb(pg, `pglite:${where || 'memory'}`);
}

/**
 * The server database on a PGlite instance, its migrations applied first (those it lacks): what
 * `pglite:` URLs open; the tests also open copies of an already migrated one.
 */
export async function pgliteDb(pg: PGlite, describe: string): Promise<ServerDb> {
  const { drizzle } = await import('drizzle-orm/pglite');
  const { migrate } = await import('drizzle-orm/pglite/migrator');
  await pg.waitReady;
  await migrate(drizzle(pg), { migrationsFolder: migrationsFolder('server-pg') });
  const executor = executorOn(pg);
  return {
    dialect: 'postgres',
    describe,
    ...executor,
    search: postgresEntrySearch(executor),
    noteSearch: postgresNoteSearch(executor),
    codeSearch: postgresCodeSearch(executor),
    transaction: <T>(fn: (tx: Executor) => Promise<T>) => pg.transaction((tx) => fn(executorOn(tx))),
    lock: advisoryLock,
    insertEntries,
    close: () => pg.close(),
  };
}

async function openServer(url: string, poolSize: number): Promise<ServerDb> {
  const { default: pg } = await import('pg');
  const { drizzle } = await import('drizzle-orm/node-postgres');
  const { migrate } = await import('drizzle-orm/node-postgres/migrator');
  const pool = new pg.Pool({
    connectionString: url,
    max: poolSize,
    // No parallel plans: the server's statements are one user's and short, and a parallel
    // worker's start cost more than the work (the push's watermark query: 0.4 ms of work, 3.7 ms on
    // average and up to 43 ms with a worker; docs/performance.md). Set on each new connection
    // before its first use (a connection where it fails is not used); it overrides the setting of
    // the database or the role (docs/postgres.md).
    onConnect: async (connection) => {
      await connection.query('SET max_parallel_workers_per_gather = 0');
    },
  });
  // An idle connection the server drops (a restart, a failover) must not take the process down.
  pool.on('error', () => {});
  const client = await pool.connect().catch((error: Error) => {
    void pool.end();
    throw new Error(`cannot connect to PostgreSQL at ${redact(url)}: ${error.message}`);
  });
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    await migrate(drizzle(client), { migrationsFolder: migrationsFolder('server-pg') });
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]).catch(() => undefined);
    client.release();
  }
  const executor = executorOn(pool);
  return {
    dialect: 'postgres',
    describe: redact(url),
    ...executor,
    search: postgresEntrySearch(executor),
    noteSearch: postgresNoteSearch(executor),
    codeSearch: postgresCodeSearch(executor),
    transaction: async <T>(fn: (tx: Executor) => Promise<T>) => {
      const connection = await pool.connect();
      try {
        await connection.query('BEGIN');
        const value = await fn(executorOn(connection));
        await connection.query('COMMIT');
        return value;
      } catch (error) {
        await connection.query('ROLLBACK').catch(() => undefined);
        throw error;
      } finally {
        connection.release();
      }
    },
    lock: advisoryLock,
    insertEntries,
    close: () => pool.end(),
  };
}
