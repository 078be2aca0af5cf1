// Real processes and real sockets for sync tests: the server on a chosen port, a loopback proxy.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import { createServer, connect, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import Database from 'better-sqlite3';
import pg from 'pg';
import { basename, dirname, join } from 'node:path';
import { databaseFor } from './pg-helpers.js';

/** The checkout's root, found from this file wherever it runs from (source, or a bench bundle in dist/). */
export const ROOT = (() => {
  let dir = import.meta.dirname;
  while (!existsSync(join(dir, 'package.json')) && dirname(dir) !== dir) dir = dirname(dir);
  return dir;
})();
export const SERVER_BIN = join(ROOT, 'dist', 'server', 'vlt-server.mjs');

export interface RunningServer {
  child: ChildProcess;
  url: string;
  port: number;
  /** What the server printed so far, stdout and stderr. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<void>;
}

/** The engine the server process tests run on: SQLite unless VLT_TEST_DATABASE is a postgres:// URL. */
export const PG_URL = /^postgres(ql)?:/.test(process.env.VLT_TEST_DATABASE ?? '')
  ? process.env.VLT_TEST_DATABASE!
  : undefined;

/** PGlite: each server process keeps PostgreSQL in a directory of its data directory. */
export const PGLITE = process.env.VLT_TEST_DATABASE === 'pglite';

/** The URL of the server running on each data directory (PGlite tests make users through it). */
const running = new Map<string, string>();

/** On PostgreSQL, each data directory has a database of its own, named after it. */
function databaseName(data: string): string {
  return `vlt_${basename(data)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '_')}`;
}

/** The environment a `vlt-server` command for `data` needs: the database URL on PostgreSQL. */
export function serverEnv(data: string): NodeJS.ProcessEnv {
  // Tests make many users, through auth.signup on PGlite; the sign-up policy has tests of its own.
  const env = { ...process.env, VLT_SERVER_SIGNUP: 'open' };
  if (PGLITE) return { ...env, VLT_SERVER_DATABASE_URL: `pglite:${join(data, 'pglite')}` };
  if (!PG_URL) return env;
  const url = new URL(PG_URL);
  url.pathname = `/${databaseName(data)}`;
  return { ...env, VLT_SERVER_DATABASE_URL: url.toString() };
}

/** On PostgreSQL, creates the database of `data` when missing (before `vlt-server` commands on it). */
export async function ensureDatabase(data: string): Promise<void> {
  if (PG_URL) await databaseFor(PG_URL, databaseName(data));
}

/**
 * Runs a statement on the server database of `data`: the SQLite file, the PostgreSQL database, or
 * with PGlite the directory the server keeps it in (only while no server runs on it).
 */
export async function onServerDb(data: string, statement: string): Promise<void> {
  if (PG_URL) {
    const client = new pg.Client({ connectionString: serverEnv(data).VLT_SERVER_DATABASE_URL });
    await client.connect();
    await client.query(statement);
    await client.end();
    return;
  }
  if (PGLITE) {
    const { PGlite } = await import('@electric-sql/pglite');
    const pglite = new PGlite(join(data, 'pglite'));
    await pglite.exec(statement);
    await pglite.close();
    return;
  }
  const db = new Database(join(data, 'vlt.db'));
  db.pragma('busy_timeout = 5000');
  db.exec(statement);
  db.close();
}

/**
 * Starts `vlt-server start` on `port` (0: any) with `data` as its data directory; `prefix` runs it
 * under another command (e.g. `prlimit --fsize=…`).
 */
export async function startServer(
  data: string,
  port = 0,
  env: Record<string, string> = {},
  prefix: string[] = [],
): Promise<RunningServer> {
  // A server started again on the port it had (its clients' queued entries name that URL): the
  // port is free again the moment the old process has exited, unless another process took it in
  // between; then wait for it, rather than fail the test on the machine's timing.
  for (let attempt = 0; ; attempt++) {
    try {
      return await startOnce(data, port, env, prefix);
    } catch (error) {
      const inUse = /EADDRINUSE/.test((error as Error).message);
      if (port === 0 || !inUse || attempt >= 100) throw error;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }
}

async function startOnce(
  data: string,
  port: number,
  env: Record<string, string>,
  prefix: string[],
): Promise<RunningServer> {
  await ensureDatabase(data);
  const argv = [process.execPath, SERVER_BIN, 'start', '--port', String(port), '--data', data];
  const child = spawn(
    prefix[0] ?? argv[0]!,
    [...prefix.slice(1), ...(prefix.length ? argv : argv.slice(1))],
    {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...serverEnv(data), ...env },
    },
  );
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /listening on (http:\/\/\S+)/.exec(out);
      if (match) resolve(match[1]!);
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    child.once('exit', (code) => reject(new Error(`server exited ${code}: ${out}`)));
  });
  const stop = async (signal: NodeJS.Signals = 'SIGTERM') => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill(signal);
    await exited;
  };
  running.set(data, url);
  return { child, url, port: Number(new URL(url).port), output: () => out, stop };
}

/**
 * A token for `username` (made first when `create`) through the running server's API: with PGlite
 * the server process holds the database, so `vlt-server user add` cannot open it beside it.
 */
function tokenOverHttp(data: string, username: string, password: string, create: boolean, extra: string[]) {
  const url = running.get(data);
  if (!url) throw new Error(`no server running on ${data}`);
  const name = extra[extra.indexOf('--name') + 1] ?? 'cli';
  const days = extra.includes('--expires-days')
    ? Number(extra[extra.indexOf('--expires-days') + 1])
    : undefined;
  const script = `
    const [url, username, password, create, name, days] = process.argv.slice(1);
    const post = async (path, json) => {
      const response = await fetch(url + '/trpc/' + path, {
        method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ json }),
      });
      const body = await response.json();
      if (!response.ok) throw new Error(path + ': ' + JSON.stringify(body));
      return body.result.data.json;
    };
    if (create === '1') await post('auth.signup', { username, password });
    const token = days ? { name, expiresDays: Number(days) } : { name };
    console.log((await post('auth.login', { username, password, token })).token.token);`;
  const result = spawnSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      script,
      url,
      username,
      password,
      create ? '1' : '0',
      name,
      days ? String(days) : '',
    ],
    { encoding: 'utf8' },
  );
  if (result.status !== 0) throw new Error(result.stderr);
  return result.stdout.trim();
}

/** A new token for an existing user: `vlt-server token issue` (through the API on PGlite). */
export function issueToken(data: string, username: string, extra: string[] = []): string {
  if (PGLITE) return tokenOverHttp(data, username, 'correct horse battery', false, extra);
  const issued = spawnSync(
    process.execPath,
    [SERVER_BIN, 'token', 'issue', username, '--data', data, ...extra],
    {
      encoding: 'utf8',
      env: serverEnv(data),
    },
  );
  if (issued.status !== 0) throw new Error(issued.stderr);
  return issued.stdout.trim();
}

export function newDataDir(): string {
  return mkdtempSync(join(tmpdir(), 'vlt-data-'));
}

/** Creates a user and returns an API token for them, through the server's own commands. */
export function userWithToken(
  data: string,
  username: string,
  password = 'correct horse battery',
  env: NodeJS.ProcessEnv = serverEnv(data),
): string {
  if (PGLITE) return tokenOverHttp(data, username, password, true, []);
  const add = spawnSync(
    process.execPath,
    [SERVER_BIN, 'user', 'add', username, '--password-stdin', '--data', data],
    {
      input: `${password}\n`,
      encoding: 'utf8',
      env,
    },
  );
  if (add.status !== 0) throw new Error(add.stderr);
  const issued = spawnSync(process.execPath, [SERVER_BIN, 'token', 'issue', username, '--data', data], {
    encoding: 'utf8',
    env,
  });
  if (issued.status !== 0) throw new Error(issued.stderr);
  return issued.stdout.trim();
}

/** A TCP proxy on loopback in front of `target`; `dropResponses` cuts the next N responses. */
export class LoopbackProxy {
  private server: Server | undefined;
  dropResponses = 0;
  dropped = 0;
  port = 0;

  constructor(private readonly targetPort: number) {}

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(): Promise<void> {
    this.server = createServer((client: Socket) => {
      const upstream = connect(this.targetPort, '127.0.0.1');
      let drop = false;
      client.on('data', (chunk) => upstream.write(chunk));
      client.on('error', () => upstream.destroy());
      client.on('end', () => upstream.end());
      upstream.on('data', (chunk) => {
        if (!drop && this.dropResponses > 0) {
          this.dropResponses--;
          this.dropped++;
          drop = true;
        }
        // The server has done the work; the client never hears of it.
        if (drop) client.destroy();
        else client.write(chunk);
      });
      upstream.on('end', () => client.end());
      upstream.on('error', () => client.destroy());
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    const address = this.server.address();
    this.port = typeof address === 'object' && address ? address.port : 0;
  }

  async stop(): Promise<void> {
    await new Promise((resolve) => this.server?.close(resolve));
  }
}

/** Ends a background retrier left in `home`, if any. */
export function killRetrier(home: string): void {
  try {
    const pid = Number(readFileSync(join(home, 'retrier.lock'), 'utf8'));
    if (pid > 0) process.kill(pid, 'SIGKILL');
  } catch {
    // None running.
  }
}

/** What `rawHttp` got back: the status and body, or (status 0) the socket error that ended it. */
export interface RawAnswer {
  status: number;
  text: string;
  headers: Record<string, string | string[] | undefined>;
  /** The socket error's code when the connection ended without an answer (EPIPE, ECONNRESET). */
  error?: string;
}

/**
 * One HTTP request over node:http, read to the end. Unlike fetch it never throws on a closed
 * socket: a server that answers 431 to an over-long URL and closes while the client is still
 * writing shows up as `status: 0, error: 'EPIPE' | 'ECONNRESET'`, for the caller to judge.
 */
export function rawHttp(
  url: string,
  options: {
    method?: string;
    headers?: Record<string, string>;
    body?: string | Buffer;
    timeoutMs?: number;
  } = {},
): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const body = options.body;
    const request = httpRequest(
      url,
      {
        method: options.method ?? 'GET',
        headers: {
          ...options.headers,
          ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}),
        },
        agent: false,
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        const done = () => {
          clearTimeout(timer);
          resolve({
            status: response.statusCode ?? 0,
            text: Buffer.concat(chunks).toString('utf8'),
            headers: response.headers,
          });
        };
        response.on('end', done);
        // A body cut short still tells its status.
        response.on('error', done);
      },
    );
    const timer = setTimeout(() => {
      request.destroy();
      reject(new Error(`no answer from ${url.slice(0, 100)} within ${options.timeoutMs ?? 10_000} ms`));
    }, options.timeoutMs ?? 10_000);
    request.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      resolve({ status: 0, text: '', headers: {}, error: error.code ?? error.message });
    });
    request.end(body);
  });
}

/** Polls `check` every `everyMs` until it holds; fails with `what` after `timeoutMs`. */
export async function until(
  check: () => boolean | Promise<boolean>,
  what: string,
  { timeoutMs = 10_000, everyMs = 20 } = {},
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}
