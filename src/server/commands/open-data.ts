// Opens a command's data directory and database with the settings read once from the environment.
// Imported by the commands when they run (`import()`), so that `vlt-server --help` and a mistyped
// command do not load drizzle, zod and the services.
import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createDeps, type ServerDeps } from '../context.js';
import { isPostgresUrl, openServerDb, type ServerDb } from '../db/index.js';
import { readServerSettings, type ServerSettings } from '../env.js';
import { dataDirectory, ServerError } from './base.js';

/** The key for session and token digests from the data directory's `secret` file, made on first use. */
function fileSecret(data: string): Buffer {
  const secretPath = join(data, 'secret');
  if (!existsSync(secretPath)) {
    writeFileSync(secretPath, randomBytes(32).toString('base64'), { mode: 0o600, flag: 'wx' });
  }
  chmodSync(secretPath, 0o600);
  const secret = Buffer.from(readFileSync(secretPath, 'utf8').trim(), 'base64');
  if (secret.length < 32)
    throw new ServerError(`${secretPath} is not a server secret: move it away to make a new one`);
  return secret;
}

/**
 * On PostgreSQL every instance must use the same key: VLT_SERVER_SECRET when set, else the one the
 * first instance stored in the database.
 */
async function sharedSecret(db: ServerDb, configured: Buffer | undefined): Promise<Buffer> {
  if (configured) return configured;
  await db.run(sql`
    INSERT INTO server_settings (name, value) VALUES ('secret', ${randomBytes(32).toString('base64')})
    ON CONFLICT DO NOTHING`);
  const row = await db.get<{ value: string }>(sql`SELECT value FROM server_settings WHERE name = 'secret'`);
  return Buffer.from(row!.value, 'base64');
}

/**
 * Opens the data directory and the database (SQLite in it, or PostgreSQL at `databaseUrl`). A data
 * directory that does not exist yet is made, and said so: a command run from the wrong directory
 * would otherwise write a new, empty server where the operator did not look.
 */
export async function openData(
  dir: string | undefined,
  databaseUrl: string | undefined,
  env: Record<string, string | undefined>,
  stderr: NodeJS.WritableStream,
): Promise<ServerDeps> {
  const { path: data, exists } = dataDirectory(dir);
  try {
    mkdirSync(data, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new ServerError(
      `cannot create the data directory ${data} (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  if (!exists) {
    stderr.write(
      `vlt-server: created the data directory ${data} (use --data or VLT_SERVER_DATA for another)\n`,
    );
  }
  // The files in it are 0600 whatever the directory; a directory others can read still shows
  // their names and sizes: say so once.
  const mode = statSync(data).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    stderr.write(
      `vlt-server: warning: the data directory ${data} is open to other users (mode ${mode.toString(8)}): \`chmod 700 ${data}\`\n`,
    );
  }
  let settings: ServerSettings;
  try {
    settings = readServerSettings(env);
  } catch (error) {
    throw new ServerError((error as Error).message);
  }
  if (databaseUrl !== undefined && !isPostgresUrl(databaseUrl)) {
    throw new ServerError(`--database-url must be a postgres:// URL, not '${databaseUrl}'`);
  }
  let db: ServerDb;
  try {
    db = await openServerDb(databaseUrl ?? join(data, 'vlt.db'), { poolSize: settings.databasePool });
  } catch (error) {
    throw new ServerError(`cannot open the database: ${(error as Error).message}`);
  }
  let secret: Buffer;
  try {
    secret = db.dialect === 'postgres' ? await sharedSecret(db, settings.secret) : fileSecret(data);
  } catch (error) {
    // An open pool would keep the process alive after the error.
    await db.close().catch(() => undefined);
    throw error;
  }
  return createDeps(db, settings.limits, {
    secret,
    secureCookies: settings.secureCookies,
    signup: settings.signup,
    trustProxy: settings.trustProxy,
    log: { level: settings.log, write: (line) => process.stdout.write(`${line}\n`) },
    llm: settings.llm,
    embeddings: settings.embeddings,
  });
}
