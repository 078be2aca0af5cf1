// Opens the server database (embedded SQLite) and applies drizzle/server's migrations at start.
import Database from 'better-sqlite3';
import { drizzle, type BetterSQLite3Database } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as schema from './schema.js';

export interface ServerDb {
  sqlite: Database.Database;
  orm: BetterSQLite3Database<typeof schema>;
  close(): void;
}

/** drizzle/server, found from this module both as source and as the bundle in dist/server. */
function migrationsFolder(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const candidate = join(dir, 'drizzle', 'server');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    const parent = dirname(dir);
    if (parent === dir)
      throw new Error('drizzle/server migrations not found beside the vlt-server installation');
    dir = parent;
  }
}

/** `file` is a path, or ':memory:' for tests. A second open of a migrated file changes nothing. */
export function openServerDb(file: string): ServerDb {
  const sqlite = new Database(file);
  sqlite.pragma('busy_timeout = 10000');
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = FULL');
  sqlite.pragma('foreign_keys = ON');
  const orm = drizzle(sqlite, { schema });
  migrate(orm, { migrationsFolder: migrationsFolder() });
  return { sqlite, orm, close: () => sqlite.close() };
}
