// Process entry of `vlt-server` (bundled into dist/server/vlt-server.mjs): start, user add, token issue.
import { Builtins, Cli, Command, Option, type BaseContext } from 'clipanion';
import { sql } from 'drizzle-orm';
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join, resolve } from 'node:path';
import { z } from 'zod';
import { password as passwordSchema, username as usernameSchema } from '../shared/schemas.js';
import { createApp } from './app.js';
import { createDeps, type ServerDeps } from './context.js';
import { isPostgresUrl, openServerDb, type ServerDb } from './db/index.js';
import { readServerSettings, type ServerSettings } from './env.js';
import { embeddingsConfigFromEnv } from './services/embeddings.js';
import { llmConfigFromEnv } from './services/llm.js';

class ServerError extends Error {}

const dataOption = () =>
  Option.String('--data', { env: 'VLT_SERVER_DATA', description: 'Data directory (default ./data)' });

const databaseOption = () =>
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
 * On PostgreSQL every instance must use the same key: VLT_SERVER_SECRET (base64, 32 bytes or more)
 * when set, else the one the first instance stored in the database.
 */
async function sharedSecret(db: ServerDb, env: Record<string, string | undefined>): Promise<Buffer> {
  if (env.VLT_SERVER_SECRET) {
    const secret = Buffer.from(env.VLT_SERVER_SECRET, 'base64');
    if (secret.length < 32) {
      throw new ServerError(
        'VLT_SERVER_SECRET must be 32 random bytes or more in base64: `openssl rand -base64 32`',
      );
    }
    return secret;
  }
  await db.run(sql`
    INSERT INTO server_settings (name, value) VALUES ('secret', ${randomBytes(32).toString('base64')})
    ON CONFLICT DO NOTHING`);
  const row = await db.get<{ value: string }>(sql`SELECT value FROM server_settings WHERE name = 'secret'`);
  return Buffer.from(row!.value, 'base64');
}

/** Opens the data directory and the database (SQLite in it, or PostgreSQL at `databaseUrl`). */
async function openData(
  dir: string | undefined,
  databaseUrl: string | undefined,
  env: Record<string, string | undefined>,
): Promise<ServerDeps> {
  const data = resolve(dir ?? './data');
  try {
    mkdirSync(data, { recursive: true, mode: 0o700 });
  } catch (error) {
    throw new ServerError(
      `cannot create the data directory ${data} (${(error as NodeJS.ErrnoException).code})`,
    );
  }
  // The files in it are 0600 whatever the directory; a directory others can read still shows
  // their names and sizes: say so once.
  const mode = statSync(data).mode & 0o777;
  if ((mode & 0o077) !== 0) {
    process.stderr.write(
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
    db = await openServerDb(databaseUrl ?? join(data, 'vlt.db'));
  } catch (error) {
    throw new ServerError(`cannot open the database: ${(error as Error).message}`);
  }
  let secret: Buffer;
  try {
    secret = db.dialect === 'postgres' ? await sharedSecret(db, env) : fileSecret(data);
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
    llm: llmConfigFromEnv(env),
    embeddings: embeddingsConfigFromEnv(env),
  });
}

async function readPassword(context: BaseContext, fromStdin: boolean): Promise<string> {
  if (!fromStdin) throw new ServerError('pass the password on stdin with --password-stdin');
  const chunks: Buffer[] = [];
  for await (const chunk of context.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks)
    .toString('utf8')
    .replace(/\r?\n$/, '');
}

function parse<T>(schema: z.ZodType<T>, value: unknown, what: string): T {
  const result = schema.safeParse(value);
  if (!result.success)
    throw new ServerError(`invalid ${what}: ${result.error.issues[0]?.message ?? 'invalid'}`);
  return result.data;
}

abstract class ServerCommand extends Command {
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

class StartCommand extends ServerCommand {
  static override paths = [['start']];
  static override usage = Command.Usage({
    description: 'Serve the web UI at /, the router at /trpc and GET /healthz',
    examples: [
      ['With the defaults (127.0.0.1:8000, ./data)', '$0 start'],
      ['On all interfaces, another port', '$0 start --host 0.0.0.0 --port 8080'],
    ],
  });

  host = Option.String('--host', { env: 'VLT_SERVER_HOST', description: 'Address (default 127.0.0.1)' });
  port = Option.String('--port', { env: 'VLT_SERVER_PORT', description: 'Port (default 8000; 0 picks one)' });
  data = dataOption();
  databaseUrl = databaseOption();

  async run(): Promise<void> {
    const host = this.host ?? '127.0.0.1';
    const port = Number(this.port ?? 8000);
    if (!Number.isInteger(port) || port < 0 || port > 65535) {
      throw new ServerError(`--port must be a whole number from 0 to 65535, not '${this.port}'`);
    }
    const deps = await openData(this.data, this.databaseUrl, process.env);
    // Expired sessions and attempts that count no more go at start and then hourly, so the tables
    // do not grow without end.
    const prune = async () => {
      await deps.accounts.pruneSessions();
      await deps.attempts.prune(Math.max(deps.limits.loginWindowMs, 3_600_000));
    };
    await prune();
    const pruning = setInterval(() => void prune().catch(() => undefined), 3_600_000);
    pruning.unref();
    const server = createServer(createApp(deps));
    await new Promise<void>((resolveListen, reject) => {
      server.once('error', (error: NodeJS.ErrnoException) => {
        void deps.db.close().catch(() => undefined);
        reject(new ServerError(`cannot listen on ${host}:${port} (${error.code}): pick another --port`));
      });
      server.listen(port, host, resolveListen);
    });
    const address = server.address();
    const actualPort = typeof address === 'object' && address ? address.port : port;
    this.context.stdout.write(
      `vlt-server listening on http://${host}:${actualPort} (data: ${resolve(this.data ?? './data')}${deps.db.dialect === 'postgres' ? `, database: ${deps.db.describe}` : ''})\n`,
    );
    await new Promise<void>((resolveStop) => {
      const stop = (signal: string) => {
        this.context.stdout.write(`vlt-server: ${signal}, finishing requests in flight\n`);
        // Stop accepting, let requests in flight finish, then close the database.
        server.close(() => {
          void deps.db.close().finally(resolveStop);
        });
        server.closeIdleConnections();
        // Open event streams (a thread page, an answer being streamed) would hold the process
        // forever: they are cut after a grace period; browsers reconnect to the next server.
        setTimeout(() => server.closeAllConnections(), 5000).unref();
      };
      process.once('SIGTERM', () => stop('SIGTERM'));
      process.once('SIGINT', () => stop('SIGINT'));
    });
  }
}

class UserAddCommand extends ServerCommand {
  static override paths = [['user', 'add']];
  static override usage = Command.Usage({
    description: 'Create an account',
    examples: [
      ['Create alice, password from stdin', 'printf "%s" "$PASSWORD" | $0 user add alice --password-stdin'],
    ],
  });

  username = Option.String({ name: 'username' });
  passwordStdin = Option.Boolean('--password-stdin', false, { description: 'Read the password from stdin' });
  data = dataOption();
  databaseUrl = databaseOption();

  async run(): Promise<void> {
    const username = parse(usernameSchema, this.username, 'username');
    const password = parse(passwordSchema, await readPassword(this.context, this.passwordStdin), 'password');
    const deps = await openData(this.data, this.databaseUrl, process.env);
    try {
      if (await deps.accounts.userByName(username))
        throw new ServerError(`the user '${username}' exists already`);
      await deps.accounts.signup(username, password);
      this.context.stdout.write(`created user ${username}\n`);
    } finally {
      await deps.db.close();
    }
  }
}

class TokenIssueCommand extends ServerCommand {
  static override paths = [['token', 'issue']];
  static override usage = Command.Usage({
    description: 'Print a new API token for a user, and only the token',
    examples: [
      ['A token for a CI agent, valid 90 days', '$0 token issue alice --name ci-agent --expires-days 90'],
    ],
  });

  username = Option.String({ name: 'username' });
  name = Option.String('--name', 'cli', { description: 'Label shown in the token list' });
  expiresDays = Option.String('--expires-days', { description: 'Days until it expires (default: never)' });
  data = dataOption();
  databaseUrl = databaseOption();

  async run(): Promise<void> {
    const username = parse(usernameSchema, this.username, 'username');
    const days = this.expiresDays === undefined ? undefined : Number(this.expiresDays);
    if (days !== undefined && (!Number.isInteger(days) || days < 1 || days > 3650)) {
      throw new ServerError(
        `--expires-days must be a whole number from 1 to 3650, not '${this.expiresDays}'`,
      );
    }
    const name = parse(z.string().trim().min(1).max(64), this.name, 'token label');
    const deps = await openData(this.data, this.databaseUrl, process.env);
    try {
      const user = await deps.accounts.userByName(username);
      if (!user)
        throw new ServerError(`no user '${username}': create it with \`vlt-server user add ${username}\``);
      this.context.stdout.write(`${(await deps.accounts.createToken(user.id, name, days)).token}\n`);
    } finally {
      await deps.db.close();
    }
  }
}

const cli = new Cli({ binaryName: 'vlt-server', binaryLabel: 'vlt server', binaryVersion: '0.1.0' });
for (const command of [StartCommand, UserAddCommand, TokenIssueCommand]) cli.register(command);
cli.register(Builtins.HelpCommand);
cli.register(Builtins.VersionCommand);
const args = process.argv.slice(2);
let parsed;
try {
  parsed = cli.process(args);
} catch (error) {
  // Clipanion reports parse errors on stdout, over several lines: one line on stderr instead.
  const first = ((error as Error).message.split('\n')[0] ?? '').replace(/[.:;]+$/, '');
  process.stderr.write(`vlt-server: ${first}: see \`vlt-server --help\`\n`);
  process.exit(2);
}
process.exitCode = await cli.run(parsed);
