// The real vlt-server process on port 0, called over HTTP and through the typed tRPC client.
import { createTRPCClient, httpSubscriptionLink, TRPCClientError } from '@trpc/client';
import { apiFor, tokenOverApi } from './sync-helpers.js';
import { EventSource } from 'eventsource';
import { spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { connect, createServer as createNetServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppRouter } from '../src/shared/router.js';
import { transformer } from '../src/shared/transformer.js';
import {
  ensureDatabase,
  PG_URL,
  PGLITE,
  SERVER_BIN,
  serverEnv,
  startServer,
  type RunningServer,
  until,
} from './net-helpers.js';
import { entriesFor } from './server-helpers.js';

const data = mkdtempSync(join(tmpdir(), 'vlt-server-test-'));

function serverCli(args: string[], input = '', env: NodeJS.ProcessEnv = {}) {
  const result = spawnSync(process.execPath, [SERVER_BIN, ...args, '--data', data], {
    input,
    encoding: 'utf8',
    env: { ...serverEnv(data), ...env },
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** SIGTERM, and the exit code. */
async function stop(child: ChildProcess): Promise<number | null> {
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  child.kill('SIGTERM');
  return exited;
}

const clientFor = apiFor;

let server: RunningServer;
const output = () => serverOutput;
let serverOutput = '';
let token: string;

beforeAll(async () => {
  // The commands first, then the server: with PGlite only one process at a time opens the database.
  await ensureDatabase(data);
  const added = serverCli(['user', 'add', 'alice', '--password-stdin'], 'correct horse battery\n');
  expect(added.code, added.stderr).toBe(0);
  // It names where it wrote (and, on PostgreSQL, the database).
  expect(added.stdout.startsWith(`created user alice in ${data}`)).toBe(true);
  const issued = serverCli(['token', 'issue', 'alice', '--name', 'ci', '--expires-days', '30']);
  expect(issued.code).toBe(0);
  token = issued.stdout.trim();
  server = await startServer(data);
  server.child.stdout!.on('data', (chunk: Buffer) => (serverOutput += chunk.toString()));
});

afterAll(async () => {
  if (server.child.exitCode === null) await stop(server.child);
  rmSync(data, { recursive: true, force: true });
});

describe('vlt-server', () => {
  it.skipIf(PG_URL || PGLITE)('keeps its database and a 0600 secret in the data directory', () => {
    expect(statSync(join(data, 'vlt.db')).isFile()).toBe(true);
    expect(statSync(join(data, 'secret')).mode & 0o777).toBe(0o600);
    expect(token).toMatch(/^vlt_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$/);
  });

  it('answers /healthz', async () => {
    const response = await fetch(`${server.url}/healthz`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
  });

  it('serves the router to the typed client with a token, Dates intact', async () => {
    const client = clientFor(server.url, token);
    expect((await client.auth.me.query()).user.username).toBe('alice');
    const pushed = await client.threads.push.mutate({
      projectId: 'app',
      threadId: 'auth',
      status: 'active',
      createdAt: new Date(),
      entries: entriesFor(0, 9),
    });
    expect(pushed).toEqual({ syncedCount: 10, duplicateCount: 0, lastSyncedSequence: 9 });
    const got = await client.threads.get.query({ projectId: 'app', threadId: 'auth' });
    expect(got.entries).toHaveLength(10);
    expect(got.entries[0]!.timestamp).toBeInstanceOf(Date);
    const unauthenticated = await clientFor(server.url)
      .threads.list.query({})
      .catch((e: unknown) => e);
    expect(unauthenticated).toBeInstanceOf(TRPCClientError);
    expect((unauthenticated as TRPCClientError<AppRouter>).data?.code).toBe('UNAUTHORIZED');
  });

  it("streams the Oracle's answer over server-sent events, ending with the sources", async () => {
    const client = createTRPCClient<AppRouter>({
      links: [
        httpSubscriptionLink({
          url: `${server.url}/trpc`,
          transformer,
          EventSource,
          eventSourceOptions: () => ({
            fetch: (input, init) =>
              fetch(input, { ...init, headers: { ...init?.headers, authorization: `Bearer ${token}` } }),
          }),
        }),
      ],
    });
    const events: { type: string }[] = [];
    await new Promise<void>((resolve, reject) => {
      const subscription = client.oracle.stream.subscribe(
        { question: 'which entry is number 3?' },
        {
          onData: (event) => {
            events.push(event);
            if (event.type === 'done') {
              subscription.unsubscribe();
              resolve();
            }
          },
          onError: reject,
        },
      );
    });
    expect(events.filter((e) => e.type === 'text').length).toBeGreaterThan(0);
    expect(events.at(-1)).toMatchObject({ type: 'done', mode: 'extractive' });
    const done = events.at(-1) as unknown as { sources: { thread: string; timestamp: Date }[] };
    expect(done.sources[0]).toMatchObject({ thread: 'auth' });
    expect(done.sources[0]!.timestamp).toBeInstanceOf(Date);
  });

  it('refuses a body over 1 MiB with an error naming the limit', async () => {
    const response = await fetch(`${server.url}/trpc/threads.push`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ json: { padding: 'x'.repeat(1024 * 1024 + 10) } }),
    });
    expect(response.status).toBe(413);
    const body = (await response.json()) as {
      error: { json: { message: string; data: { stack?: string } } };
    };
    expect(body.error.json.message).toMatch(/over the limit of 1048576 bytes/);
    expect(body.error.json.data.stack ?? null).toBeNull();
  });

  it('signs a browser in with an httpOnly, SameSite=Lax cookie', async () => {
    const response = await fetch(`${server.url}/trpc/auth.signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { username: 'webuser', password: 'long enough pw' } }),
    });
    expect(response.status).toBe(200);
    const cookie = response.headers.get('set-cookie') ?? '';
    expect(cookie).toMatch(/^vlt_session=[A-Za-z0-9_-]{43};/);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Lax/);
    // The web client's header (or a same-origin Origin) goes with the cookie: see the hostile suite.
    const me = await fetch(`${server.url}/trpc/auth.me`, {
      headers: { cookie: cookie.split(';')[0]!, 'x-vlt-web': '1' },
    });
    expect(
      ((await me.json()) as { result: { data: { json: { user: { username: string } } } } }).result.data.json
        .user.username,
    ).toBe('webuser');
  });

  it('finishes a request in flight on SIGTERM, then exits 0; a restart keeps the data', async () => {
    const url = new URL(server.url);
    const body = JSON.stringify({
      json: {
        projectId: 'app',
        threadId: 'shutdown',
        createdAt: '2026-11-24T12:00:00.000Z',
        entries: [
          {
            entryId: '01900000-0000-7000-8000-00000000beef',
            sequenceId: 0,
            content: 'made during shutdown',
            author: 'agent',
            timestamp: '2026-11-24T12:00:00.000Z',
          },
        ],
      },
      meta: { values: { createdAt: ['Date'], 'entries.0.timestamp': ['Date'] } },
    });
    const socket = connect(Number(url.port), url.hostname);
    await new Promise((resolve) => socket.once('connect', resolve));
    let response = '';
    socket.on('data', (chunk) => (response += chunk.toString()));
    const closed = new Promise((resolve) => socket.once('close', resolve));
    // Headers and half the body now, the rest after SIGTERM: the request is in flight. The server
    // says it has read the headers (100 Continue) before the signal is sent.
    socket.write(
      `POST /trpc/threads.push HTTP/1.1\r\nHost: ${url.host}\r\nAuthorization: Bearer ${token}\r\n` +
        `Content-Type: application/json\r\nContent-Length: ${body.length}\r\nExpect: 100-continue\r\n` +
        `Connection: close\r\n\r\n${body.slice(0, 4)}`,
    );
    await until(() => response.includes('100 Continue'), 'the server to read the headers');
    const exit = stop(server.child);
    await until(() => output().includes('finishing requests in flight'), 'the server to take SIGTERM');
    // The client keeps its side open until the answer, as HTTP clients do.
    socket.write(body.slice(4));
    await closed;
    expect(await exit).toBe(0);
    expect(response, output()).toMatch(/^HTTP\/1\.1 100 Continue\r\n\r\nHTTP\/1\.1 200 /);
    expect(response).toContain('"syncedCount":1');
    expect(output()).toContain('finishing requests in flight');

    server = await startServer(data);
    const again = await clientFor(server.url, token).threads.get.query({
      projectId: 'app',
      threadId: 'auth',
    });
    expect(again.entries).toHaveLength(10);
    const made = await clientFor(server.url, token).threads.get.query({
      projectId: 'app',
      threadId: 'shutdown',
    });
    expect(made.entries.map((e) => e.content)).toEqual(['made during shutdown']);
  });

  it('exits on SIGTERM even with an event stream open, cutting it after the grace period', async () => {
    const own = mkdtempSync(join(tmpdir(), 'vlt-server-sse-'));
    const other = await startServer(own);
    // The account through the API: `user add` and `token issue` are tested above (two `vlt-server`
    // starts more).
    const ownToken = await tokenOverApi(other.url, 'sse');
    const client = clientFor(other.url, ownToken);
    await client.threads.push.mutate({
      projectId: 'app',
      threadId: 'live',
      status: 'active',
      createdAt: new Date(),
      entries: entriesFor(0, 0),
    });
    const source = new EventSource(
      `${other.url}/trpc/threads.watch?input=${encodeURIComponent(JSON.stringify({ json: { projectId: 'app', threadId: 'live', afterSequence: 0 } }))}`,
      {
        fetch: (input, init) =>
          fetch(input, { ...init, headers: { ...init?.headers, authorization: `Bearer ${ownToken}` } }),
      },
    );
    await new Promise((resolve, reject) => {
      source.onopen = resolve;
      source.onerror = reject;
    });
    // Without the cut, close() would wait for the stream forever and this would time out.
    expect(await stop(other.child)).toBe(0);
    source.close();
    rmSync(own, { recursive: true, force: true });
  });

  it('explains bad server commands in one line', async () => {
    // These open the database: with PGlite, not beside a running server.
    if (PGLITE) await stop(server.child);
    const noUser = serverCli(['token', 'issue', 'nobody']);
    expect(noUser.code).toBe(1);
    expect(noUser.stderr).toBe(
      `vlt-server: no user 'nobody' in ${data}: create it with \`vlt-server user add nobody\`, or give the server's --data\n`,
    );
    const weak = serverCli(['user', 'add', 'bob', '--password-stdin'], 'short\n');
    expect(weak.stderr).toBe('vlt-server: invalid password: a password has at least 8 characters\n');
    expect(serverCli(['user', 'add', 'alice', '--password-stdin'], 'long enough pw\n').stderr).toBe(
      "vlt-server: the user 'alice' exists already\n",
    );
    const port = serverCli(['start', '--port', 'eighty']);
    expect([port.code, port.stderr]).toEqual([
      1,
      "vlt-server: --port must be a whole number from 0 to 65535, not 'eighty'\n",
    ]);
    // A database it cannot use: one line naming it (and never its password), nothing started.
    const notPostgres = serverCli(['start', '--port', '0', '--database-url', 'mysql://db/vlt']);
    expect([notPostgres.code, notPostgres.stderr]).toEqual([
      1,
      "vlt-server: --database-url must be a postgres:// URL, not 'mysql://db/vlt'\n",
    ]);
    const unreachable = serverCli([
      'start',
      '--port',
      '0',
      '--database-url',
      'postgres://vlt:hunter2@127.0.0.1:1/vlt',
    ]);
    expect(unreachable.code).toBe(1);
    expect(unreachable.stderr).toMatch(
      /^vlt-server: cannot open the database: cannot connect to PostgreSQL at postgres:\/\/vlt:\*\*\*@127\.0\.0\.1:1\/vlt: .+\n$/,
    );
    expect(unreachable.stderr).not.toContain('hunter2');
    // A port taken by another process: one line, and the process ends (its database closed).
    const taken = createNetServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const takenPort = (taken.address() as AddressInfo).port;
    const busy = serverCli(['start', '--port', String(takenPort)]);
    // A data directory that start made for itself is not left behind.
    const fresh = join(mkdtempSync(join(tmpdir(), 'vlt-server-busy-')), 'data');
    const busyFresh = spawnSync(
      process.execPath,
      [SERVER_BIN, 'start', '--port', String(takenPort), '--data', fresh],
      {
        encoding: 'utf8',
        env: serverEnv(fresh),
      },
    );
    taken.close();
    expect([busyFresh.status, busyFresh.stderr.split('\n').at(-2)]).toEqual([
      1,
      `vlt-server: cannot listen on 127.0.0.1:${takenPort} (EADDRINUSE): pick another --port`,
    ]);
    expect(existsSync(fresh)).toBe(false);
    expect([busy.code, busy.stderr]).toEqual([
      1,
      `vlt-server: cannot listen on 127.0.0.1:${takenPort} (EADDRINUSE): pick another --port\n`,
    ]);
    // A limit or a shared secret it cannot use: one line naming the variable, nothing started.
    const limit = serverCli(['start', '--port', '0'], '', { VLT_LIMIT_PUSH_PER_MINUTE: 'lots' });
    expect(limit.code).toBe(1);
    expect(limit.stderr).toMatch(
      /^vlt-server: VLT_LIMIT_PUSH_PER_MINUTE: .+: set it to a positive whole number\n$/,
    );
    const pglite = mkdtempSync(join(tmpdir(), 'vlt-server-secret-'));
    const secret = serverCli(['start', '--port', '0', '--database-url', `pglite:${pglite}`], '', {
      VLT_SERVER_SECRET: 'c2hvcnQ=',
    });
    rmSync(pglite, { recursive: true, force: true });
    expect([secret.code, secret.stderr]).toEqual([
      1,
      'vlt-server: VLT_SERVER_SECRET must be 32 random bytes or more in base64: `openssl rand -base64 32`\n',
    ]);
    const unknown = serverCli(['frobnicate']);
    expect(unknown.code).toBe(2);
    expect(unknown.stdout).toBe('');
    expect(unknown.stderr).toBe(
      "vlt-server: unknown command 'frobnicate': the commands are start, user add, token issue, backup (see `vlt-server --help`)\n",
    );
  });
});
