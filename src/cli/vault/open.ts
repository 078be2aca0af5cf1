// Opens the local vault: pragmas for safe concurrent use, then migrations from drizzle/vault.
import type BetterSqlite3 from 'better-sqlite3';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VltError } from '../../shared/errors.js';

// Loaded through require(): importing a CommonJS package from ESM costs the ESM loader a parse
// of its exports on every start, and this is the push path.
const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

export type Sqlite = BetterSqlite3.Database;

const NOT_A_VAULT = new Set(['SQLITE_NOTADB', 'SQLITE_CORRUPT']);

/**
 * Opens (and with `create`, creates) the vault at `path`. Returns undefined when it does not exist
 * and `create` is false, so that read-only commands never leave a vault behind.
 */
export function openVault(path: string, { create }: { create: boolean }): Sqlite | undefined {
  if (!create && !existsSync(path)) return undefined;
  let db: Sqlite;
  try {
    db = new Database(path, { fileMustExist: !create });
  } catch (error) {
    throw vaultError(path, error);
  }
  try {
    // Concurrent pushes wait for the write lock rather than fail with "database is locked".
    db.pragma('busy_timeout = 30000');
    if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
    // FULL: a commit is on disk before `OK` is printed, so an acknowledged entry survives power loss.
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
  } catch (error) {
    db.close();
    throw vaultError(path, error);
  }
  return db;
}

function vaultError(path: string, error: unknown): Error {
  if (error instanceof VltError) return error;
  const code = (error as { code?: string }).code ?? '';
  if (NOT_A_VAULT.has(code)) {
    return new VltError(
      `${path} is not a vlt vault (${code}): move it away, or point VLT_HOME at another directory`,
    );
  }
  if (code === 'SQLITE_CANTOPEN' || code === 'SQLITE_READONLY' || code === 'SQLITE_PERM') {
    return new VltError(
      `cannot open the vault ${path} (${code}): check that it and its directory are writable`,
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

// ---- migrations ------------------------------------------------------------------------------

interface Journal {
  entries: { idx: number; tag: string }[];
}

let migrationsDir: string | undefined;

/** drizzle/vault, found from this module both as source (src/cli/vault) and as bundle (dist/cli). */
function findMigrationsDir(): string {
  if (migrationsDir) return migrationsDir;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'drizzle', 'vault');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return (migrationsDir = candidate);
    const parent = dirname(dir);
    if (parent === dir) throw new Error('drizzle/vault migrations not found beside the vlt installation');
    dir = parent;
  }
}

/**
 * Applies drizzle-kit's generated migrations in one IMMEDIATE transaction, counting them in
 * `PRAGMA user_version`: many processes opening a new vault at once apply them exactly once.
 */
export function migrate(db: Sqlite): void {
  const dir = findMigrationsDir();
  const journal = JSON.parse(readFileSync(join(dir, 'meta', '_journal.json'), 'utf8')) as Journal;
  const target = journal.entries.length;
  const current = () => db.pragma('user_version', { simple: true }) as number;
  if (current() === target) return;
  if (current() > target) {
    throw new VltError(`this vault was written by a newer vlt (schema ${current()}): upgrade vlt`);
  }
  db.exec('BEGIN IMMEDIATE');
  try {
    for (const migration of journal.entries.slice(current())) {
      const sql = readFileSync(join(dir, `${migration.tag}.sql`), 'utf8');
      for (const statement of sql.split('--> statement-breakpoint')) {
        if (statement.trim()) db.exec(statement);
      }
    }
    db.pragma(`user_version = ${target}`);
    db.exec('COMMIT');
  } catch (error) {
    db.exec('ROLLBACK');
    throw error;
  }
}
