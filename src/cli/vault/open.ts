// Opens the local vault: created private (0600) and whole, pragmas for safe concurrent use, then
// migrations from drizzle/vault; and the one line a user reads when the vault's storage fails.
import type BetterSqlite3 from 'better-sqlite3';
import {
  chmodSync,
  closeSync,
  existsSync,
  fchmodSync,
  linkSync,
  openSync,
  readFileSync,
  renameSync,
  rmSync,
  statfsSync,
  statSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { VltError } from '../../shared/errors.js';

// Loaded through require(): importing a CommonJS package from ESM costs the ESM loader a parse
// of its exports on every start, and this is the push path.
const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

export type Sqlite = BetterSqlite3.Database;

/**
 * Opens (and with `create`, creates) the vault at `path`. Returns undefined when it does not exist
 * and `create` is false, so that read-only commands never leave a vault behind. `warn` hears a
 * one-line warning (a new vault in a directory other users can read).
 */
export function openVault(
  path: string,
  { create, warn }: { create: boolean; warn?: (line: string) => void },
): Sqlite | undefined {
  let found;
  try {
    found = statSync(path, { throwIfNoEntry: false });
  } catch (error) {
    throw storageError(path, error);
  }
  if (!found) {
    if (!create) return undefined;
    createVault(path, warn);
  } else if (found.size === 0) {
    throw new VltError(
      `the vault ${path} is empty (0 bytes), probably truncated: restore it from a backup, or move it away to start a new vault`,
    );
  } else if (found.mode & 0o077) {
    // Made by an older vlt or by hand: entries are private, and SQLite gives -wal and -shm the
    // vault's mode when it makes them.
    for (const file of [path, `${path}-wal`, `${path}-shm`]) {
      try {
        chmodSync(file, 0o600);
      } catch {
        // Not there, or not ours to change.
      }
    }
  }
  let db: Sqlite;
  try {
    db = new Database(path, { fileMustExist: true });
  } catch (error) {
    throw storageError(path, error);
  }
  try {
    prepare(db);
  } catch (error) {
    db.close();
    throw storageError(path, error);
  }
  return db;
}

function prepare(db: Sqlite): void {
  // Concurrent pushes wait for the write lock rather than fail with "database is locked".
  db.pragma('busy_timeout = 30000');
  if (db.pragma('journal_mode', { simple: true }) !== 'wal') db.pragma('journal_mode = WAL');
  // FULL: a commit is on disk before `OK` is printed, so an acknowledged entry survives power loss.
  db.pragma('synchronous = FULL');
  db.pragma('foreign_keys = ON');
  // Each b-tree page is checked as it is read, so that a write does not go on over damaged pages.
  db.pragma('cell_size_check = ON');
  migrate(db);
}

/**
 * A new vault, mode 0600 whatever the umask, made whole beside `path` and then linked into place:
 * `path` never exists half-made or empty, so an empty vault.db is always a truncated one.
 */
function createVault(path: string, warn: ((line: string) => void) | undefined): void {
  const fresh = `${path}.${process.pid}.new`;
  try {
    const fd = openSync(fresh, 'w', 0o600);
    fchmodSync(fd, 0o600);
    closeSync(fd);
    const db = new Database(fresh);
    try {
      prepare(db);
    } finally {
      db.close();
    }
    try {
      linkSync(fresh, path);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      // EEXIST: another vlt made the vault meanwhile, and that one stands.
      if (code !== 'EEXIST' && code !== 'EPERM' && code !== 'ENOTSUP') throw error;
      if (code !== 'EEXIST' && !existsSync(path)) renameSync(fresh, path);
    }
  } catch (error) {
    throw storageError(path, error);
  } finally {
    for (const file of [fresh, `${fresh}-wal`, `${fresh}-shm`]) rmSync(file, { force: true });
  }
  const dir = dirname(path);
  const mode = statSync(dir).mode & 0o777;
  if (mode & 0o077) {
    warn?.(
      `warning: ${dir} can be read by other users (mode 0${mode.toString(8)}): run \`chmod 700 ${dir}\``,
    );
  }
}

/** The vault's storage failing, as one line that says what to do; other errors unchanged. */
export function storageError(path: string, error: unknown): Error {
  if (error instanceof VltError) return error;
  const code = (error as { code?: string }).code ?? '';
  const detail = `(${code})`;
  if (code === 'SQLITE_FULL' || code === 'ENOSPC' || (code.startsWith('SQLITE_IOERR') && diskFull(path))) {
    return new VltError(`the disk holding ${path} is full: free some space, then try again`, 1, 'storage');
  }
  if (code === 'SQLITE_NOTADB') {
    return new VltError(
      `${path} is not a vlt vault ${detail}: move it away, or point VLT_HOME at another directory`,
      1,
      'storage',
    );
  }
  if (code.startsWith('SQLITE_CORRUPT')) {
    return new VltError(
      `the vault ${path} is damaged ${detail}: copy it somewhere safe, then recover what it holds with \`sqlite3 ${path} .recover | sqlite3 recovered.db\` and put recovered.db in its place`,
      1,
      'storage',
    );
  }
  if (code.startsWith('SQLITE_IOERR')) {
    return new VltError(
      `cannot read or write the vault ${path} ${detail}: check the disk (and a file size limit, \`ulimit -f\`), then try again`,
      1,
      'storage',
    );
  }
  if (code.startsWith('SQLITE_CANTOPEN') || code.startsWith('SQLITE_READONLY') || code === 'SQLITE_PERM') {
    return new VltError(
      `cannot open the vault ${path} ${detail}: check that it and its directory are writable`,
      1,
      'storage',
    );
  }
  if (code.startsWith('SQLITE_BUSY')) {
    return new VltError(
      `the vault ${path} stayed locked by another process ${detail}: try again`,
      1,
      'storage',
    );
  }
  if (code === 'EACCES' || code === 'ENOTDIR' || code === 'EROFS') {
    return new VltError(
      `cannot open the vault ${path} ${detail}: check that it and its directory are writable`,
      1,
      'storage',
    );
  }
  return error instanceof Error ? error : new Error(String(error));
}

/** Whether the file system holding `path` has (almost) no room left: an I/O error is then a full disk. */
function diskFull(path: string): boolean {
  try {
    const fs = statfsSync(dirname(path));
    return fs.bavail * fs.bsize < 1024 * 1024;
  } catch {
    return false;
  }
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
