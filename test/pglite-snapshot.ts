// The in-process server suites on PGlite (`--project pglite`) open one database per test process.
// A fresh PGlite spends seconds on its own initdb and then on drizzle/server-pg's migrations
// (about 8 s a process on the loaded two-core CI machine, against 1.5 s to load a copy of its data
// directory), eleven times a run. So the first process to need it migrates one through the server's
// own code (`pgliteDb`, as `pglite:` URLs open) and keeps its data directory in
// node_modules/.cache, named after the migrations and PGlite's version; the others load that copy,
// and `pgliteDb` still checks its migrations at every open (none left to apply).
import { PGlite } from '@electric-sql/pglite';
import { createHash } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { pgliteDb } from '../src/server/db/postgres.js';
import type { ServerDb } from '../src/server/db/index.js';

const ROOT = join(import.meta.dirname, '..');
const MIGRATIONS = join(ROOT, 'drizzle', 'server-pg');
const CACHE = join(ROOT, 'node_modules', '.cache', 'vlt-test');

/** The migrations' files (names and contents) and PGlite's version, hashed. */
function key(): string {
  const hash = createHash('sha256');
  const walk = (dir: string) => {
    for (const name of readdirSync(dir).sort()) {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) walk(path);
      else hash.update(`${path.slice(MIGRATIONS.length)}\0`).update(readFileSync(path));
    }
  };
  walk(MIGRATIONS);
  hash.update(
    (
      JSON.parse(readFileSync(join(ROOT, 'node_modules/@electric-sql/pglite/package.json'), 'utf8')) as {
        version: string;
      }
    ).version,
  );
  return hash.digest('hex').slice(0, 16);
}

/** A migrated in-memory PGlite server database: a copy of the kept one, made first if missing. */
export async function migratedPglite(): Promise<ServerDb> {
  const file = join(CACHE, `pglite-server-${key()}.tar`);
  if (!existsSync(file)) {
    mkdirSync(CACHE, { recursive: true });
    const lock = `${file}.lock`;
    let mine = false;
    try {
      closeSync(openSync(lock, 'wx'));
      mine = true;
    } catch {
      // Another test process is making it: wait for the file (a lock left by a killed run is
      // older than a making takes; then this process makes it).
      const deadline = Date.now() + 120_000;
      while (!existsSync(file) && Date.now() < deadline && Date.now() - statMs(lock) < 120_000)
        await new Promise((resolve) => setTimeout(resolve, 100));
    }
    if (mine || !existsSync(file)) {
      try {
        const pg = new PGlite();
        const db = await pgliteDb(pg, 'pglite:memory');
        const dump = await pg.dumpDataDir('none');
        const partial = `${file}.${process.pid}`;
        writeFileSync(partial, Buffer.from(await dump.arrayBuffer()));
        renameSync(partial, file);
        return db;
      } finally {
        if (mine) rmSync(lock, { force: true });
      }
    }
  }
  const pg = new PGlite({ loadDataDir: new Blob([readFileSync(file)]) });
  return pgliteDb(pg, 'pglite:memory');
}

function statMs(path: string): number {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
}
