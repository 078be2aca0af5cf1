// The base of every vlt-server command: one-line errors, and the data directory and database
// opened with the settings read once from the environment.
import { Command, Option, type BaseContext } from 'clipanion';
import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { z } from 'zod';
import { createDeps, type ServerDeps } from '../context.js';
import { isPostgresUrl, openServerDb, type ServerDb } from '../db/index.js';
import { readServerSettings, type ServerSettings } from '../env.js';

/** A mistake of the operator's: one line on stderr, exit 1. */
export class ServerError extends Error {}

export const dataOption = () =>
  Option.String('--data', { env: 'VLT_SERVER_DATA', description: 'Data directory (default ./data)' });

export const databaseOption = () =>
  Option.String('--database-url', {
    env: 'VLT_SERVER_DATABASE_URL',
    description:
      'postgres://user:password@host:5432/db to run on PostgreSQL (default: SQLite in the data directory)',
  });

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

/** The data directory as a command will use it: absolute, and whether it is there yet. */
export function dataDirectory(dir: string | undefined): { path: string; exists: boolean } {
  const path = resolve(dir ?? './data');
  return { path, exists: existsSync(path) };
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

/**
 * The password: all of stdin with --password-stdin, else asked twice on the terminal without echo;
 * with neither, a line saying how to give it.
 */
export async function readPassword(context: BaseContext, fromStdin: boolean): Promise<string> {
  const stdin = context.stdin as NodeJS.ReadStream;
  if (fromStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks)
      .toString('utf8')
      .replace(/\r?\n$/, '');
  }
  if (!stdin.isTTY)
    throw new ServerError('no terminal to ask for the password: pass it on stdin with --password-stdin');
  const first = await askHidden(context, 'Password');
  const again = await askHidden(context, 'Password again');
  if (first !== again) throw new ServerError('the two passwords differ: run the command again');
  return first;
}

/** One line from the terminal, not echoed. */
async function askHidden(context: BaseContext, prompt: string): Promise<string> {
  const { createInterface } = await import('node:readline');
  const rl = createInterface({ input: context.stdin, output: context.stderr, terminal: true });
  (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => {};
  context.stderr.write(`${prompt}: `);
  const line = await new Promise<string>((done) => rl.question('', done));
  rl.close();
  context.stderr.write('\n');
  return line;
}

export function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new ServerError(`invalid ${what}: ${result.error.issues[0]?.message ?? 'invalid'}`);
  return result.data;
}

export abstract class ServerCommand extends Command {
  abstract run(): Promise<number | void>;
  async execute(): Promise<number> {
    try {
      return (await this.run()) ?? 0;
    } catch (error) {
      const message =
        error instanceof ServerError ? error.message : `internal error: ${(error as Error).message}`;
      this.context.stderr.write(`vlt-server: ${message}\n`);
      return error instanceof ServerError ? 1 : 70;
    }
  }
}
