// Sync end to end: the real vlt-server process, and the vlt commands in temporary VLT_HOMEs. The
// commands run in this process (the CLI's runCli, as the bundle's entry calls it) so that a test
// costs its work rather than a Node start per command (about 0.4 s each on the CI machine); the
// background retrier a failed sync leaves is still the real detached `vlt` process. The first test
// runs every command as a real `vlt` process, the retrier's own test every command that writes
// (its polls of the queue and the status read the vault in this process), and the retries of the
// lost response are processes too.
import Database from 'better-sqlite3';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { uuidv7 } from '../src/shared/uuidv7.js';
import { vlt as vltProcess, VLT_BIN, vltAsync, vltInProcess, type Result, type Sandbox } from './helpers.js';
import { apiFor, syncMachine, tokenOverApi, webApiFor } from './sync-helpers.js';
import {
  killRetrier,
  LoopbackProxy,
  newDataDir,
  startServer,
  until,
  type RunningServer,
} from './net-helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function world(env: Record<string, string> = {}) {
  const data = newDataDir();
  const server = await startServer(data, 0, env);
  const token = await tokenOverApi(server.url, 'alice');
  cleanups.push(
    () => rmSync(data, { recursive: true, force: true }),
    () => server.stop(),
  );
  return { data, server, token };
}

/** A `vlt` command in this process; a failed sync leaves the real retrier (from the bundle). */
const vlt = (box: Sandbox, args: string[], input?: string): Promise<Result> =>
  vltInProcess(box, args, input, { entry: VLT_BIN });

const machine = (serverUrl: string, token: string): Sandbox => syncMachine(serverUrl, token, cleanups);
const api = apiFor;

function ok(result: { code: number; stderr: string }) {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
}

type Run = (box: Sandbox, args: string[], input?: string) => Result | Promise<Result>;

/** A command's --json document (in this process, or with `run`, e.g. as a real process). */
const json = async <T>(box: Sandbox, args: string[], run: Run = vlt): Promise<T> => {
  const result = await run(box, [...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
};

type ReadJson = { entries: { id: string; seq: number; content: string; synced: boolean }[] };

describe('sync', () => {
  it('pushes sync at once and say so; without a token they queue and say why', async () => {
    const { server, token } = await world();
    const box = machine(server.url, token);
    ok(vltProcess(box, ['init', '--project', 'app']));
    const created = vltProcess(box, ['thread', 'new', 'notes', 'first']);
    ok(created);
    expect(created.stdout).toBe('CREATED: app/notes\nsynced\n');
    expect(vltProcess(box, ['thread', 'push', 'notes', 'second']).stdout).toBe('OK: notes/1\nsynced\n');
    const pushed = await json<{ sync: { state: string } }>(
      box,
      ['thread', 'push', 'notes', 'third'],
      vltProcess,
    );
    expect(pushed.sync).toEqual({ state: 'synced' });
    const got = await api(server.url, token).threads.get.query({ projectId: 'app', threadId: 'notes' });
    expect(got.entries.map((e) => e.content)).toEqual(['first', 'second', 'third']);
    const read = await json<ReadJson>(box, ['thread', 'read', 'notes', '--all'], vltProcess);
    expect(read.entries.every((e) => e.synced)).toBe(true);

    delete box.env.VLT_SYNC_TOKEN;
    expect(vltProcess(box, ['thread', 'push', 'notes', 'no token']).stdout).toBe(
      `OK: notes/3\nqueued: not logged in to ${server.url}: run \`vlt auth login --server ${server.url}\`\n`,
    );
    const status = await json<{ pending: number; server: { problem: string } }>(
      box,
      ['sync', 'status'],
      vltProcess,
    );
    expect(status.pending).toBe(1);
    expect(status.server.problem).toMatch(/not logged in/);
  });

  it('entries written before any server was chosen go to the one the user then logs in to', async () => {
    const { server, token } = await world();
    const box = machine(server.url, token);
    delete box.env.VLT_SERVER_URL;
    delete box.env.VLT_SYNC_TOKEN;
    box.env.VLT_NO_RETRIER = '1';
    ok(await vlt(box, ['init', '--project', 'app']));
    expect((await vlt(box, ['thread', 'new', 'early', 'before any login'])).stdout).toBe(
      'CREATED: app/early\nqueued: not logged in to http://localhost:8000: run `vlt auth login --server http://localhost:8000`\n',
    );
    const login = await vlt(
      box,
      ['auth', 'login', '--server', server.url, '--username', 'alice', '--password-stdin'],
      'correct horse battery\n',
    );
    ok(login);
    expect((await vlt(box, ['thread', 'push', 'early', 'after the login'])).stdout).toBe(
      'OK: early/1\nsynced\n',
    );
    const got = await api(server.url, token).threads.get.query({ projectId: 'app', threadId: 'early' });
    expect(got.entries.map((e) => e.content)).toEqual(['before any login', 'after the login']);
  });

  it('server down: 12 pushes queue; server up: sync retry sends them all, in order, once', async () => {
    const { data, server, token } = await world();
    const port = server.port;
    await server.stop();
    const box = machine(`http://127.0.0.1:${port}`, token);
    ok(await vlt(box, ['init', '--project', 'app']));
    const created = await vlt(box, ['thread', 'new', 'outage', 'entry 0']);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(/^CREATED: app\/outage\nqueued: server unreachable/);
    for (let i = 1; i < 12; i++) {
      const pushed = await vlt(box, ['thread', 'push', 'outage', `entry ${i}`]);
      expect(pushed.code).toBe(0);
      expect(pushed.stdout).toMatch(new RegExp(`^OK: outage/${i}\\nqueued: server unreachable`));
    }
    killRetrier(box.home);
    const down = await vlt(box, ['sync', 'retry']);
    expect(down.code).toBe(1);
    expect(down.stderr).toMatch(/^vlt: server unreachable.*stay queued/);
    expect((await json<{ pending: number }>(box, ['sync', 'status'])).pending).toBe(12);

    const again: RunningServer = await startServer(data, port);
    cleanups.push(() => again.stop());
    killRetrier(box.home);
    const retry = await vlt(box, ['sync', 'retry']);
    ok(retry);
    expect(retry.stdout).toMatch(/^sent 12 entries from 1 thread in [\d.]+ s; 0 still queued\n$/);
    const got = await api(again.url, token).threads.get.query({ projectId: 'app', threadId: 'outage' });
    expect(got.entries.map((e) => [e.sequenceId, e.content])).toEqual(
      Array.from({ length: 12 }, (_, i) => [i, `entry ${i}`]),
    );
    const status = await json<{ pending: number; threads: { localSeq: number; serverSeq: number }[] }>(box, [
      'sync',
      'status',
    ]);
    expect(status.pending).toBe(0);
    expect(status.threads).toEqual([expect.objectContaining({ localSeq: 11, serverSeq: 11 })]);
    expect((await vlt(box, ['sync', 'retry'])).stdout).toBe('Nothing to send.\n');
  });

  it('counts in words, LOCAL is the entry count, and sync commands exit 1 while the server refuses an entry', async () => {
    const { server, token } = await world();
    const box = syncMachine(server.url, token, cleanups, { retrier: false });
    ok(await vlt(box, ['init', '--project', 'app']));
    ok(await vlt(box, ['thread', 'new', 'notes', 'n0']));
    ok(await vlt(box, ['thread', 'push', 'notes', 'n1']));
    ok(await vlt(box, ['thread', 'new', 'later', 'l0', '--no-sync']));
    // LOCAL and SERVER count entries, as `thread list` does; a thread the server lacks has 0 there, not -1.
    const status = await vlt(box, ['sync', 'status']);
    ok(status);
    expect(status.stdout).toMatch(/^app\/later +1 +0 +1 +0$/m);
    expect(status.stdout).toMatch(/^app\/notes +2 +2 +0 +0$/m);
    expect(status.stdout).not.toContain('-1');
    const listed = await json<{ threads: { thread: string; entries: number }[] }>(box, ['thread', 'list']);
    expect(listed.threads.map((t) => [t.thread, t.entries])).toEqual([
      ['later', 1],
      ['notes', 2],
    ]);
    const statusJson = await json<{
      threads: {
        thread: string;
        localSeq: number;
        serverSeq: number;
        entries: number;
        serverEntries: number;
      }[];
    }>(box, ['sync', 'status']);
    expect(statusJson.threads).toEqual([
      expect.objectContaining({ thread: 'later', localSeq: 0, serverSeq: -1, entries: 1, serverEntries: 0 }),
      expect.objectContaining({ thread: 'notes', localSeq: 1, serverSeq: 1, entries: 2, serverEntries: 2 }),
    ]);
    const sent = await vlt(box, ['sync', 'retry']);
    ok(sent);
    expect(sent.stdout).toMatch(/^sent 1 entry from 1 thread in [\d.]+ s; 0 still queued\n$/);

    // Another machine took entry 2 of notes first: this one's entry 2 is set aside.
    await api(server.url, token).threads.push.mutate({
      projectId: 'app',
      threadId: 'notes',
      createdAt: new Date(),
      entries: [{ entryId: uuidv7(), sequenceId: 2, content: 'from b', author: 'b', timestamp: new Date() }],
    });
    expect((await vlt(box, ['thread', 'push', 'notes', 'n2'])).stdout).toBe(
      'OK: notes/2\nqueued: the server set this entry aside: see `vlt sync queue`\n',
    );
    const setAside = 'vlt: 1 entry is set aside as failed: see why with `vlt sync queue`\n';
    // Nothing pending, but not everything is on the server: retry says so and exits 1.
    const retried = await vlt(box, ['sync', 'retry']);
    expect([retried.code, retried.stdout, retried.stderr]).toEqual([1, 'Nothing to send.\n', setAside]);
    const retriedJson = await vlt(box, ['sync', 'retry', '--json']);
    expect(retriedJson.code).toBe(1);
    expect(JSON.parse(retriedJson.stdout)).toMatchObject({
      sent: 0,
      remaining: 0,
      error: { code: 'server', message: setAside.slice('vlt: '.length, -1) },
    });
    // sync thread tries it again, meets the conflict again, and says so the same way.
    const again = await vlt(box, ['sync', 'thread', 'notes']);
    expect([again.code, again.stdout, again.stderr]).toEqual([
      1,
      'app/notes: sent 0, 0 already there, 1 failed\n',
      setAside,
    ]);
    // A pull brings the other entry and renumbers this one after it; then everything is sent.
    const pulled = await vlt(box, ['sync', 'pull']);
    ok(pulled);
    expect(pulled.stdout).toBe(
      'pulled 1 new entry into 1 thread; renumbered 1 local entry after them; sent 1\n',
    );
    ok(await vlt(box, ['sync', 'retry']));
    expect((await vlt(box, ['sync', 'status'])).stdout).toMatch(/^app\/notes +4 +4 +0 +0$/m);
  });

  it('with VLT_NO_RETRIER=1, no message says a background retrier keeps trying', async () => {
    const { server, token } = await world();
    const port = server.port;
    await server.stop();
    const box = syncMachine(`http://127.0.0.1:${port}`, token, cleanups, { retrier: false });
    ok(await vlt(box, ['init', '--project', 'app']));
    const outputs = [
      await vlt(box, ['thread', 'new', 'down', 'entry 0']),
      await vlt(box, ['thread', 'push', 'down', 'entry 1']),
      await vlt(box, ['sync', 'retry']),
      await vlt(box, ['sync', 'thread', 'down']),
      await vlt(box, ['sync', 'status']),
    ];
    expect(outputs[0]!.stdout).toMatch(/^CREATED: app\/down\nqueued: server unreachable/);
    expect(outputs[2]!.code).toBe(1);
    expect(outputs[2]!.stderr).toBe(
      'vlt: server unreachable (connection refused): the entries stay queued\n',
    );
    for (const output of outputs)
      expect(output.stdout + output.stderr).not.toMatch(/keeps trying|retrier (is )?(will|keeps)/);
    expect(outputs[4]!.stdout).toContain('retrier:  not running');
    // Without it, the same failure leaves a retrier, and says so.
    delete box.env.VLT_NO_RETRIER;
    const claimed = await vlt(box, ['sync', 'retry']);
    expect(claimed.stderr).toBe(
      'vlt: server unreachable (connection refused): the entries stay queued and a background retrier keeps trying\n',
    );
    expect((await json<{ retrier: { running: boolean } }>(box, ['sync', 'status'])).retrier.running).toBe(
      true,
    );
    killRetrier(box.home);
  });

  it('a response lost after the server stored the batch: the retry duplicates nothing', async () => {
    const { server, token } = await world();
    const proxy = new LoopbackProxy(server.port);
    await proxy.start();
    cleanups.push(() => proxy.stop());
    const box = machine(proxy.url, token);
    // This test does the retrying itself.
    box.env.VLT_NO_RETRIER = '1';
    ok(await vlt(box, ['init', '--project', 'app']));
    for (let i = 0; i < 5; i++) {
      const args =
        i === 0
          ? ['thread', 'new', 'lossy', 'entry 0', '--no-sync']
          : ['thread', 'push', 'lossy', `entry ${i}`, '--no-sync'];
      ok(await vlt(box, args));
    }
    proxy.dropResponses = 1;
    // Not spawnSync: the proxy lives in this process and must keep running meanwhile.
    const lost = await vltAsync(box, ['sync', 'retry']).done;
    expect(lost.code).toBe(1);
    expect(proxy.dropped).toBe(1);
    // The server has them all, but the client never heard so.
    const stored = await api(server.url, token).threads.get.query({ projectId: 'app', threadId: 'lossy' });
    expect(stored.entries).toHaveLength(5);
    const retried = await vltAsync(box, ['sync', 'retry', '--json']).done;
    expect(retried.code, retried.stderr).toBe(0);
    expect(JSON.parse(retried.stdout)).toMatchObject({ sent: 0, duplicates: 5, remaining: 0 });
    const after = await api(server.url, token).threads.get.query({ projectId: 'app', threadId: 'lossy' });
    expect(after.entries.map((e) => e.content)).toEqual([
      'entry 0',
      'entry 1',
      'entry 2',
      'entry 3',
      'entry 4',
    ]);
  });

  it('a token revoked mid-way: nothing is dropped, and after a new login everything arrives', async () => {
    const { server, token } = await world();
    const box = machine(server.url, token);
    delete box.env.VLT_SYNC_TOKEN;
    ok(await vlt(box, ['init', '--project', 'app']));
    const login = await vlt(
      box,
      ['auth', 'login', '--username', 'alice', '--password-stdin'],
      'correct horse battery\n',
    );
    ok(login);
    expect(login.stdout).toMatch(/^Logged in to http:\/\/127\.0\.0\.1:\d+ as alice\n/);
    expect((await vlt(box, ['auth', 'whoami'])).stdout).toMatch(/^alice on http/);
    ok(await vlt(box, ['thread', 'new', 'long', 'before']));
    // Revoke every token of alice's on the server, as the web UI's Settings would.
    const admin = await webApiFor(server.url, 'alice');
    for (const t of (await admin.tokens.list.query()).tokens) await admin.tokens.revoke.mutate({ id: t.id });
    const refused = await vlt(box, ['thread', 'push', 'long', 'after revoke']);
    expect(refused.code).toBe(0);
    expect(refused.stdout).toBe('OK: long/1\nqueued: the server refused the token: run `vlt auth login`\n');
    const whoami = await vlt(box, ['auth', 'whoami']);
    expect(whoami.code).toBe(1);
    expect(whoami.stderr).toBe('vlt: the server refused the token: run `vlt auth login`\n');
    expect((await json<{ pending: number }>(box, ['sync', 'status'])).pending).toBe(1);
    ok(
      await vlt(box, ['auth', 'login', '--username', 'alice', '--password-stdin'], 'correct horse battery\n'),
    );
    const retry = await json<{ sent: number; remaining: number }>(box, ['sync', 'retry']);
    expect(retry).toMatchObject({ sent: 1, remaining: 0 });
    const fresh = (await vlt(box, ['config', 'get', 'sync.token'])).stdout.trim();
    const got = await api(server.url, fresh).threads.get.query({ projectId: 'app', threadId: 'long' });
    expect(got.entries.map((e) => e.content)).toEqual(['before', 'after revoke']);
    const logout = await vlt(box, ['auth', 'logout']);
    ok(logout);
    const afterLogout = await api(server.url, fresh)
      .auth.me.query()
      .catch((e: Error) => e.message);
    expect(afterLogout).toMatch(/revoked/);
  });

  it('two machines on one thread, pulling in both orders, end identical with nothing lost or doubled', async () => {
    const { server, token } = await world();
    const a = machine(server.url, token);
    const b = machine(server.url, token);
    for (const box of [a, b]) ok(await vlt(box, ['init', '--project', 'app']));
    ok(await vlt(a, ['thread', 'new', 'shared', 'a0']));
    ok(await vlt(a, ['thread', 'push', 'shared', 'a1']));
    const firstPull = await vlt(b, ['sync', 'pull']);
    ok(firstPull);
    expect(firstPull.stdout).toMatch(/^pulled 2 new entries into 1 thread; sent 0\n$/);
    // Both write while apart: A offline, B online.
    ok(await vlt(a, ['thread', 'push', 'shared', 'a2', '--no-sync']));
    ok(await vlt(a, ['thread', 'push', 'shared', 'a3', '--no-sync']));
    ok(await vlt(b, ['thread', 'push', 'shared', 'b2']));
    ok(await vlt(b, ['thread', 'push', 'shared', 'b3']));
    // A's sync meets the conflict, sets the entry aside, and a pull resolves it.
    // It could not send everything: exit 1, and with --json one document that says why.
    const conflicted = await vlt(a, ['sync', 'retry', '--json']);
    expect(conflicted.code).toBe(1);
    const setAside = JSON.parse(conflicted.stdout) as {
      failed: number;
      error: { code: string; message: string };
    };
    expect(setAside.failed).toBeGreaterThan(0);
    expect(setAside.error).toEqual({
      code: 'server',
      message: `${setAside.failed} ${setAside.failed === 1 ? 'entry is' : 'entries are'} set aside as failed: see why with \`vlt sync queue\``,
    });
    expect(conflicted.stderr).toBe(`vlt: ${setAside.error.message}\n`);
    const queue = await json<{ items: { state: string; lastError: string }[] }>(a, ['sync', 'queue']);
    expect(queue.items.some((i) => i.state === 'failed' && /^CONFLICT/.test(i.lastError))).toBe(true);
    const resolved = await vlt(a, ['sync', 'pull']);
    ok(resolved);
    expect(resolved.stdout).toMatch(
      /pulled 2 new entries into 1 thread; renumbered 2 local entries after them; sent 2/,
    );
    ok(await vlt(b, ['sync', 'pull']));

    // The other order: B offline this time, and B pulls before it pushes.
    ok(await vlt(b, ['thread', 'push', 'shared', 'b4', '--no-sync']));
    ok(await vlt(a, ['thread', 'push', 'shared', 'a4']));
    ok(await vlt(b, ['sync', 'pull']));
    ok(await vlt(a, ['sync', 'pull']));

    const readA = (await json<ReadJson>(a, ['thread', 'read', 'shared', '--all'])).entries;
    const readB = (await json<ReadJson>(b, ['thread', 'read', 'shared', '--all'])).entries;
    const view = (entries: ReadJson['entries']) => entries.map((e) => [e.seq, e.id, e.content]);
    expect(view(readA)).toEqual(view(readB));
    expect(readA.map((e) => e.seq)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(readA.map((e) => e.content).sort()).toEqual(['a0', 'a1', 'a2', 'a3', 'a4', 'b2', 'b3', 'b4']);
    const onServer = await api(server.url, token).threads.get.query({ projectId: 'app', threadId: 'shared' });
    expect(onServer.entries.map((e) => [e.sequenceId, e.entryId, e.content])).toEqual(view(readA));
    for (const box of [a, b])
      expect(await json<{ pending: number; failed: number }>(box, ['sync', 'status'])).toMatchObject({
        pending: 0,
        failed: 0,
      });
  });

  it('the background retrier delivers entries soon after the server comes back, with no command', async () => {
    const { data, server, token } = await world();
    const port = server.port;
    await server.stop();
    const box = machine(`http://127.0.0.1:${port}`, token);
    ok(vltProcess(box, ['init', '--project', 'app']));
    expect(vltProcess(box, ['thread', 'new', 'later', 'written while the server is down']).stdout).toMatch(
      /queued: server unreachable/,
    );
    const status = await json<{ retrier: { running: boolean; pid: number } }>(box, ['sync', 'status']);
    expect(status.retrier.running).toBe(true);
    // A second failed sync does not start a second retrier.
    expect(vltProcess(box, ['thread', 'push', 'later', 'also while down']).stdout).toMatch(
      /queued: server unreachable/,
    );
    expect((await json<{ retrier: { pid: number } }>(box, ['sync', 'status'])).retrier.pid).toBe(
      status.retrier.pid,
    );
    // What the retrier did is read from the vault by the CLI in this process (polled: a `vlt`
    // process a poll would cost 0.4 s each); the writes that started it were processes.
    // The retrier has tried (and failed) on its own before the server comes back.
    await until(
      async () =>
        (await json<{ items: { attempts: number }[] }>(box, ['sync', 'queue'])).items.every(
          (i) => i.attempts >= 2,
        ),
      'the retrier to try while the server is down',
      { timeoutMs: 30_000, everyMs: 200 },
    );
    const back = await startServer(data, port);
    cleanups.push(() => back.stop());
    const client = api(back.url, token);
    const stored = async () =>
      (await client.threads.list.query({})).threads.length > 0 &&
      (await client.threads.get.query({ projectId: 'app', threadId: 'later' })).entries.length === 2;
    await until(stored, 'the retrier to deliver both entries', { timeoutMs: 30_000, everyMs: 200 });
    const got = await client.threads.get.query({ projectId: 'app', threadId: 'later' });
    expect(got.entries.map((e) => e.content)).toEqual([
      'written while the server is down',
      'also while down',
    ]);
    // Its work done, the retrier exits by itself.
    await until(
      async () => !(await json<{ retrier: { running: boolean } }>(box, ['sync', 'status'])).retrier.running,
      'the retrier to exit',
      { timeoutMs: 10_000, everyMs: 200 },
    );
    expect(
      await json<{ retrier: { running: boolean }; pending: number }>(box, ['sync', 'status']),
    ).toMatchObject({
      retrier: { running: false },
      pending: 0,
    });
  });

  it('over the push rate limit, entries stay queued with the reason and arrive once it allows', async () => {
    const { data, server, token } = await world({ VLT_LIMIT_PUSH_PER_MINUTE: '3' });
    const box = machine(server.url, token);
    box.env.VLT_NO_RETRIER = '1';
    ok(await vlt(box, ['init', '--project', 'app']));
    expect((await vlt(box, ['thread', 'new', 'busy', 'entry 0'])).stdout).toBe('CREATED: app/busy\nsynced\n');
    for (let i = 1; i < 3; i++) ok(await vlt(box, ['thread', 'push', 'busy', `entry ${i}`]));
    const limited = await vlt(box, ['thread', 'push', 'busy', 'entry 3']);
    expect(limited.code).toBe(0);
    expect(limited.stdout).toMatch(
      /^OK: busy\/3\nqueued: TOO_MANY_REQUESTS: too many pushes: over 3 a minute for this token \(VLT_LIMIT_PUSH_PER_MINUTE\); try again in \d+ s\n$/,
    );
    expect((await json<{ pending: number }>(box, ['sync', 'status'])).pending).toBe(1);
    // Another token of the same user has its own allowance.
    const other = await tokenOverApi(server.url, 'alice', { create: false });
    const direct = await api(server.url, other).threads.push.mutate({
      projectId: 'app',
      threadId: 'elsewhere',
      createdAt: new Date(),
      entries: [{ entryId: uuidv7(), sequenceId: 0, content: 'x', author: 'a', timestamp: new Date() }],
    });
    expect(direct.lastSyncedSequence).toBe(0);

    // The limiter is in the process's memory: a restart clears it, and the queue drains.
    const port = server.port;
    await server.stop();
    const again = await startServer(data, port);
    cleanups.push(() => again.stop());
    ok(await vlt(box, ['sync', 'retry']));
    const got = await api(again.url, token).threads.get.query({ projectId: 'app', threadId: 'busy' });
    expect(got.entries.map((e) => e.content)).toEqual(['entry 0', 'entry 1', 'entry 2', 'entry 3']);
  });

  it('sync thread --force and sync all send again what the server lost', async () => {
    const { server, token } = await world();
    const box = machine(server.url, token);
    ok(await vlt(box, ['init', '--project', 'app']));
    ok(await vlt(box, ['thread', 'new', 'one', 'a']));
    ok(await vlt(box, ['thread', 'push', 'one', 'b']));
    ok(await vlt(box, ['thread', 'new', 'two', 'c']));
    // The server loses everything: a new data directory, the same account.
    await server.stop();
    const fresh = newDataDir();
    cleanups.push(() => rmSync(fresh, { recursive: true, force: true }));
    const restored = await startServer(fresh, server.port);
    cleanups.push(() => restored.stop());
    const newToken = await tokenOverApi(restored.url, 'alice');
    box.env.VLT_SYNC_TOKEN = newToken;
    const forced = await json<{ sent: number }>(box, ['sync', 'thread', 'one', '--force']);
    expect(forced.sent).toBe(2);
    const all = await json<{ requeued: number; sent: number }>(box, ['sync', 'all']);
    expect(all).toMatchObject({ requeued: 1, sent: 1 });
    const client = api(restored.url, newToken);
    expect((await client.threads.list.query({})).threads.map((t) => t.threadId).sort()).toEqual([
      'one',
      'two',
    ]);
    expect(await json<{ requeued: number; sent: number }>(box, ['sync', 'all'])).toMatchObject({
      requeued: 0,
      sent: 0,
    });
  });
  it('a moved thread moves on the server and on the other machine; offline or refused, the move waits', async () => {
    const { data, server, token } = await world();
    const a = syncMachine(server.url, token, cleanups, { retrier: false });
    const b = syncMachine(server.url, token, cleanups, { retrier: false });
    for (const box of [a, b]) ok(await vlt(box, ['init', '--project', 'app']));
    ok(await vlt(a, ['thread', 'new', 'notes', 'n0']));
    ok(await vlt(a, ['thread', 'push', 'notes', 'n1']));
    ok(await vlt(b, ['sync', 'pull']));
    const client = api(server.url, token);
    const onServer = async (projectId: string) =>
      (await client.threads.get.query({ projectId, threadId: 'notes' })).entries.map((e) => e.content);
    const places = async () =>
      (await client.threads.list.query({})).threads.map((t) => `${t.projectId}/${t.threadId}`).sort();

    // Online: the server's copy follows at once, and new entries continue it there.
    const moved = await vlt(a, ['thread', 'move', 'notes', 'ops']);
    ok(moved);
    expect(moved.stdout).toBe('MOVED: app/notes → ops/notes\nsynced\n');
    expect(await places()).toEqual(['ops/notes']);
    expect((await vlt(a, ['thread', 'push', 'ops/notes', 'n2'])).stdout).toBe('OK: notes/2\nsynced\n');
    expect(await onServer('ops')).toEqual(['n0', 'n1', 'n2']);
    // The other machine's copy moves when it pulls, and it writes on where the thread is now.
    const pulled = await vlt(b, ['sync', 'pull']);
    ok(pulled);
    expect(pulled.stdout).toMatch(/moved 1 thread to where the server has them/);
    const listed = await json<{ threads: { project: string; thread: string; entries: number }[] }>(b, [
      'thread',
      'list',
      '--project',
      'ops',
    ]);
    expect(listed.threads.map((t) => [t.project, t.thread, t.entries])).toEqual([['ops', 'notes', 3]]);
    expect((await vlt(b, ['thread', 'read', 'app/notes'])).stderr).toMatch(/no thread/);
    expect((await vlt(b, ['thread', 'push', 'ops/notes', 'b3'])).stdout).toBe('OK: notes/3\nsynced\n');
    ok(await vlt(a, ['sync', 'pull']));

    // Offline: the move waits in the queue and goes first when the server is back.
    await server.stop();
    const offline = await json<{ moved: boolean; sync: { state: string; reason: string } }>(a, [
      'thread',
      'move',
      'ops/notes',
      'infra',
    ]);
    expect(offline).toMatchObject({ moved: true, sync: { state: 'queued' } });
    expect(offline.sync.reason).toMatch(/server unreachable/);
    ok(await vlt(a, ['thread', 'push', 'infra/notes', 'n4', '--no-sync']));
    const waiting = await json<{ changes: number; threads: { serverProject: string }[] }>(a, [
      'sync',
      'status',
    ]);
    expect(waiting.changes).toBe(1);
    expect(waiting.threads).toEqual([expect.objectContaining({ project: 'infra', serverProject: 'ops' })]);
    const back = await startServer(data, server.port);
    cleanups.push(() => back.stop());
    const retried = await vlt(a, ['sync', 'retry']);
    ok(retried);
    expect(retried.stdout).toMatch(
      /^sent 1 entry from 1 thread in [\d.]+ s; moved 1 thread on the server; 0 still queued\n$/,
    );
    expect(await places()).toEqual(['infra/notes']);
    expect(await onServer('infra')).toEqual(['n0', 'n1', 'n2', 'b3', 'n4']);

    // Refused: the server has another thread at the new place. The move and the entries written
    // after it wait, with the reason, and nothing lands in the other thread.
    ok(await vlt(b, ['thread', 'new', 'done/notes', 'a different thread']));
    const refused = await vlt(a, ['thread', 'move', 'infra/notes', 'done']);
    expect(refused.code).toBe(0);
    expect(refused.stdout).toMatch(
      /^MOVED: infra\/notes → done\/notes\nqueued: CONFLICT: project done already has a thread notes: move or delete one of them first/,
    );
    expect((await vlt(a, ['thread', 'push', 'done/notes', 'n5'])).stdout).toBe(
      'OK: notes/5\nqueued: the server set this entry aside: see `vlt sync queue`\n',
    );
    const queue = await json<{
      items: { state: string; seq: number; lastError: string }[];
      changes: { state: string; serverProject: string; project: string; lastError: string }[];
    }>(a, ['sync', 'queue']);
    expect(queue.changes).toEqual([
      expect.objectContaining({
        state: 'failed',
        serverProject: 'infra',
        project: 'done',
        lastError: expect.stringMatching(/^CONFLICT/),
      }),
    ]);
    expect(queue.items).toEqual([expect.objectContaining({ state: 'failed', seq: 5 })]);
    expect(await onServer('done')).toEqual(['a different thread']);
    // Moved somewhere free, the thread and its waiting entry go.
    expect((await vlt(a, ['thread', 'move', 'done/notes', 'archive'])).stdout).toBe(
      'MOVED: done/notes → archive/notes\nsynced\n',
    );
    expect(await onServer('archive')).toEqual(['n0', 'n1', 'n2', 'b3', 'n4', 'n5']);
    expect(await places()).toEqual(['archive/notes', 'done/notes']);
    expect(await json<{ items: unknown[]; changes: unknown[] }>(a, ['sync', 'queue'])).toEqual({
      items: [],
      changes: [],
      marks: [],
      revisions: [],
    });
    // And the other machine ends with the same threads.
    ok(await vlt(b, ['sync', 'pull']));
    const viewIn = async (box: Sandbox, thread: string) =>
      (await json<ReadJson>(box, ['thread', 'read', thread, '--all'])).entries.map((e) => [
        e.seq,
        e.id,
        e.content,
      ]);
    expect(await viewIn(b, 'archive/notes')).toEqual(await viewIn(a, 'archive/notes'));
    expect((await viewIn(b, 'done/notes')).map((e) => e[2])).toEqual(['a different thread']);
  });
  it('a pulled move onto a place this vault uses for another thread waits for the user', async () => {
    const { server, token } = await world();
    const a = syncMachine(server.url, token, cleanups, { retrier: false });
    const b = syncMachine(server.url, token, cleanups, { retrier: false });
    for (const box of [a, b]) ok(await vlt(box, ['init', '--project', 'app']));
    ok(await vlt(a, ['thread', 'new', 'notes', 'shared 0']));
    ok(await vlt(b, ['sync', 'pull']));
    ok(await vlt(b, ['thread', 'new', 'ops/notes', 'only on b', '--no-sync']));
    ok(await vlt(a, ['thread', 'move', 'notes', 'ops']));
    // B keeps both where they were; the clash is in the queue, and B's new entries wait with it.
    // (B's own ops/notes met the server's when the pull sent it: set aside as a conflict, so the
    // pull could not send everything and says so.)
    const pulled = await vlt(b, ['sync', 'pull']);
    expect(pulled.code).toBe(1);
    expect(pulled.stdout).toMatch(/^pulled 0 new entries into 0 threads; /);
    expect(pulled.stderr).toBe('vlt: 1 entry is set aside as failed: see why with `vlt sync queue`\n');
    const queue = await json<{
      changes: { state: string; project: string; serverProject: string; lastError: string }[];
    }>(b, ['sync', 'queue']);
    expect(queue.changes).toEqual([
      expect.objectContaining({ state: 'failed', project: 'app', serverProject: 'ops' }),
    ]);
    expect(queue.changes[0]!.lastError).toMatch(
      /where this vault has another thread notes: move one of them/,
    );
    expect((await vlt(b, ['thread', 'push', 'app/notes', 'b after'])).stdout).toMatch(
      /queued: the server set this entry aside/,
    );
    // The user makes room and moves the thread to where the server has it: everything goes.
    ok(await vlt(b, ['thread', 'move', 'ops/notes', 'mine']));
    expect((await vlt(b, ['thread', 'move', 'app/notes', 'ops'])).stdout).toBe(
      'MOVED: app/notes → ops/notes\nsynced\n',
    );
    const client = api(server.url, token);
    const onServer = async (projectId: string) =>
      (await client.threads.get.query({ projectId, threadId: 'notes' })).entries.map((e) => e.content);
    expect(await onServer('ops')).toEqual(['shared 0', 'b after']);
    expect(await onServer('mine')).toEqual(['only on b']);
    expect(await json<{ items: unknown[]; changes: unknown[] }>(b, ['sync', 'queue'])).toEqual({
      items: [],
      changes: [],
      marks: [],
      revisions: [],
    });
  });
  it('a status set on one machine reaches the server and the other machine; offline it waits', async () => {
    const { data, server, token } = await world();
    const a = syncMachine(server.url, token, cleanups, { retrier: false });
    const b = syncMachine(server.url, token, cleanups, { retrier: false });
    for (const box of [a, b]) ok(await vlt(box, ['init', '--project', 'app']));
    ok(await vlt(a, ['thread', 'new', 'notes', 'a0']));
    ok(await vlt(b, ['sync', 'pull']));
    const client = api(server.url, token);
    const statusOn = async (url = server.url) =>
      (await api(url, token).threads.get.query({ projectId: 'app', threadId: 'notes' })).thread.status;
    const statusIn = async (box: Sandbox) =>
      (await json<{ threads: { status: string }[] }>(box, ['thread', 'list']))!.threads[0]!.status;

    expect((await vlt(a, ['thread', 'status', 'notes', 'archived'])).stdout).toBe(
      'STATUS: app/notes archived\nsynced\n',
    );
    expect(await statusOn()).toBe('archived');
    // B has not pulled: its push does not set the status back.
    expect((await vlt(b, ['thread', 'push', 'notes', 'b1'])).stdout).toBe('OK: notes/1\nsynced\n');
    expect(await statusOn()).toBe('archived');
    expect((await client.threads.list.query({ status: 'archived' })).threads).toHaveLength(1);
    const pulled = await vlt(b, ['sync', 'pull']);
    ok(pulled);
    expect(pulled.stdout).toMatch(/set the status of 1 thread as on the server/);
    expect(await statusIn(b)).toBe('archived');

    // Offline: the change waits in the queue and goes with the next sync.
    await server.stop();
    const offline = await json<{ sync: { state: string; reason: string } }>(b, [
      'thread',
      'status',
      'notes',
      'blocked',
    ]);
    expect(offline.sync.state).toBe('queued');
    expect(offline.sync.reason).toMatch(/server unreachable/);
    const queue = await json<{
      changes: { project: string; thread: string; status: string; state: string }[];
    }>(b, ['sync', 'queue']);
    expect(queue.changes).toEqual([
      expect.objectContaining({ project: 'app', thread: 'notes', status: 'blocked', state: 'pending' }),
    ]);
    expect((await json<{ changes: number }>(b, ['sync', 'status'])).changes).toBe(1);
    const back = await startServer(data, server.port);
    cleanups.push(() => back.stop());
    const retried = await vlt(b, ['sync', 'retry']);
    ok(retried);
    expect(retried.stdout).toMatch(/set the status of 1 thread on the server; 0 still queued/);
    expect(await statusOn(back.url)).toBe('blocked');
    ok(await vlt(a, ['sync', 'pull']));
    expect(await statusIn(a)).toBe('blocked');

    // Set on both while apart: the one that reaches the server last stands, on all three.
    ok(await vlt(a, ['thread', 'status', 'notes', 'active', '--no-sync']));
    ok(await vlt(b, ['thread', 'status', 'notes', 'archived']));
    ok(await vlt(a, ['sync', 'pull'])); // keeps its own (waiting) status, then sends it
    ok(await vlt(b, ['sync', 'pull']));
    expect([await statusIn(a), await statusIn(b), await statusOn(back.url)]).toEqual([
      'active',
      'active',
      'active',
    ]);
  });
});

describe('tags and links', () => {
  type Marked = {
    entries: {
      seq: number;
      tags: string[];
      links: { project: string; thread: string; note: string | null }[];
    }[];
  };
  const marksIn = async (box: Sandbox) =>
    (await json<Marked>(box, ['thread', 'read', 'auth', '--all'])).entries.map((e) => ({
      seq: e.seq,
      tags: e.tags,
      links: e.links,
    }));

  it('travel both ways, show in read and on the server, are found by tag:, and filter the Oracle', async () => {
    const { server, token } = await world();
    const a = syncMachine(server.url, token, cleanups, { retrier: false });
    const b = syncMachine(server.url, token, cleanups, { retrier: false });
    for (const box of [a, b]) ok(await vlt(box, ['init', '--project', 'app']));
    ok(await vlt(a, ['thread', 'new', 'auth', 'Decided JWT with a 90-day expiry']));
    ok(await vlt(a, ['thread', 'push', 'auth', 'JWT refresh tokens rotate on use']));
    ok(await vlt(a, ['thread', 'new', 'infra/secrets', 'Keys live in the vault']));

    expect((await vlt(a, ['thread', 'tag', 'auth/0', 'decision'])).stdout).toBe(
      'TAGGED: app/auth/0 #decision\nsynced\n',
    );
    expect((await vlt(a, ['thread', 'tag', 'auth/0', 'decision'])).stdout).toBe(
      'already tagged: app/auth/0 #decision\n',
    );
    expect(
      (await vlt(a, ['thread', 'link', 'auth/0', 'infra/secrets', '--note', 'key rotation'])).stdout,
    ).toBe('LINKED: app/auth/0 → infra/secrets\nsynced\n');
    const client = api(server.url, token);
    const onServer = async () =>
      (await client.threads.get.query({ projectId: 'app', threadId: 'auth' })).entries.map((e) => ({
        seq: e.sequenceId,
        tags: e.tags,
        links: e.links.map((l) => ({ project: l.projectId, thread: l.threadId, note: l.note })),
      }));
    const expected = [
      { seq: 0, tags: ['decision'], links: [{ project: 'infra', thread: 'secrets', note: 'key rotation' }] },
      { seq: 1, tags: [], links: [] },
    ];
    expect(await onServer()).toEqual(expected);

    // The second machine pulls them, and shows them under the entry.
    const pulled = await vlt(b, ['sync', 'pull']);
    ok(pulled);
    expect(pulled.stdout).toMatch(/took 2 tags and links from the server/);
    expect(await marksIn(b)).toEqual(expected);
    expect((await vlt(b, ['thread', 'read', 'auth', '--all'])).stdout).toMatch(
      /Decided JWT with a 90-day expiry\n +#decision {2}→ infra\/secrets \(key rotation\)\n/,
    );

    // B tags and relinks (a new note): A follows; the server's answer is the same from both.
    expect((await vlt(b, ['thread', 'tag', 'auth/1', 'decision'])).stdout).toMatch(/synced\n$/);
    ok(await vlt(b, ['thread', 'tag', 'app/auth#1', 'security']));
    ok(await vlt(b, ['thread', 'link', 'auth/0', 'infra/secrets', '--note', 'rotate every 90 days']));
    ok(await vlt(a, ['sync', 'pull']));
    const after = [
      {
        seq: 0,
        tags: ['decision'],
        links: [{ project: 'infra', thread: 'secrets', note: 'rotate every 90 days' }],
      },
      { seq: 1, tags: ['decision', 'security'], links: [] },
    ];
    expect(await marksIn(a)).toEqual(after);
    expect(await marksIn(b)).toEqual(after);
    expect(await onServer()).toEqual(after);

    // Searchable: tag: alone (newest first), with words, and on the server (the web's search).
    const seek = async (box: Sandbox, query: string) =>
      (
        await json<{ results: { thread: string; seq: number }[] }>(box, ['thread', 'seek', query])
      ).results.map((r) => r.seq);
    expect(await seek(a, 'tag:decision')).toEqual([1, 0]);
    expect(await seek(a, 'tag:decision expiry')).toEqual([0]);
    expect(await seek(a, 'tag:security tag:decision')).toEqual([1]);
    expect((await vlt(a, ['thread', 'seek', 'tag:nothing'])).stderr).toMatch(/no entries match/);
    expect(
      (
        await json<{ entries: { seq: number }[] }>(a, ['thread', 'read', 'auth', '--search', 'tag:security'])
      ).entries.map((e) => e.seq),
    ).toEqual([1]);
    const searched = await client.threads.search.query({ query: 'tag:decision jwt' });
    expect(searched.results.map((r) => r.sequenceId).sort()).toEqual([0, 1]);
    expect((await client.threads.search.query({ query: 'tag:security' })).results).toHaveLength(1);

    // The Oracle, on the server and locally, draws only from the tag's entries.
    const asked = await client.oracle.ask.mutate({ question: 'jwt tokens', tag: 'security' });
    expect(asked.sources.map((s) => (s.kind === 'note' || s.kind === 'code' ? -1 : s.seq))).toEqual([1]);
    const local = await json<{ sources: { seq: number }[] }>(a, [
      'oracle',
      'jwt tokens',
      '--tag',
      'security',
      '--local',
    ]);
    expect(local.sources.map((s) => s.seq)).toEqual([1]);

    // The server's export carries them.
    const exported = await client.threads.export.query({ projectId: 'app' });
    expect(exported.lines.find((l) => l.includes('"seq":0') && l.includes('"thread":"auth"'))).toMatch(
      /"tags":\["decision"\],"links":\[\{"project":"infra","thread":"secrets","note":"rotate every 90 days"\}\]/,
    );

    // A move of the linked thread renames the link everywhere.
    ok(await vlt(a, ['thread', 'move', 'infra/secrets', 'ops']));
    ok(await vlt(b, ['sync', 'pull']));
    expect((await marksIn(b))[0]!.links).toEqual([
      { project: 'ops', thread: 'secrets', note: 'rotate every 90 days' },
    ]);
    expect((await onServer())[0]!.links).toEqual([
      { project: 'ops', thread: 'secrets', note: 'rotate every 90 days' },
    ]);
  });

  it('wait with their entry or for the server, show in the queue, and are idempotent', async () => {
    const { data, server, token } = await world();
    const a = syncMachine(server.url, token, cleanups, { retrier: false });
    ok(await vlt(a, ['init', '--project', 'app']));
    ok(await vlt(a, ['thread', 'new', 'auth', 'first', '--no-sync']));
    // The entry is not on the server: the tag goes with it.
    expect((await vlt(a, ['thread', 'tag', 'auth/0', 'decision', '--no-sync'])).stdout).toBe(
      'TAGGED: app/auth/0 #decision\nqueued: --no-sync\n',
    );
    const queue = await json<{ marks: { tag: string; state: string; seq: number }[] }>(a, ['sync', 'queue']);
    expect(queue.marks).toEqual([expect.objectContaining({ tag: 'decision', state: 'pending', seq: 0 })]);
    expect((await vlt(a, ['sync', 'queue'])).stdout).toMatch(/pending +tag app\/auth#0 #decision/);
    expect((await json<{ tagsAndLinks: number }>(a, ['sync', 'status'])).tagsAndLinks).toBe(1);

    await server.stop();
    const offline = await json<{ sync: { state: string; reason: string } }>(a, [
      'thread',
      'tag',
      'auth/0',
      'later',
    ]);
    expect(offline.sync.state).toBe('queued');
    expect(offline.sync.reason).toMatch(/server unreachable/);
    const back = await startServer(data, server.port);
    cleanups.push(() => back.stop());
    const retried = await vlt(a, ['sync', 'retry']);
    ok(retried);
    expect(retried.stdout).toMatch(/sent 2 tags and links/);
    const client = api(back.url, token);
    const got = await client.threads.get.query({ projectId: 'app', threadId: 'auth' });
    expect(got.entries[0]!.tags).toEqual(['decision', 'later']);
    expect((await json<{ marks: unknown[] }>(a, ['sync', 'queue'])).marks).toEqual([]);

    // Sent again (a lost answer, a retry): nothing changes; an older note arriving late is ignored;
    // an unknown entry is said, not stored.
    const entryId = got.entries[0]!.entryId;
    const link = (note: string | null, at: string) => ({
      entryId,
      projectId: 'app',
      threadId: 'auth',
      note,
      at: new Date(at),
    });
    const again = await client.threads.annotate.mutate({
      tags: [{ entryId, tag: 'decision' }],
      links: [link('newer', '2026-06-02T00:00:00.000Z')],
    });
    expect(again).toEqual({ tagsAdded: 0, linksSet: 1, unknownEntries: [] });
    for (const late of [
      link('newer', '2026-06-02T00:00:00.000Z'),
      link('older', '2026-06-01T00:00:00.000Z'),
    ]) {
      expect(await client.threads.annotate.mutate({ links: [late] })).toEqual({
        tagsAdded: 0,
        linksSet: 0,
        unknownEntries: [],
      });
    }
    const linked = await client.threads.get.query({ projectId: 'app', threadId: 'auth' });
    expect(linked.entries[0]!.links).toEqual([{ projectId: 'app', threadId: 'auth', note: 'newer' }]);
    const stranger = uuidv7();
    expect(await client.threads.annotate.mutate({ tags: [{ entryId: stranger, tag: 'x' }] })).toEqual({
      tagsAdded: 0,
      linksSet: 0,
      unknownEntries: [stranger],
    });
    // Bad input: one line, nothing written.
    const bad = await vlt(a, ['thread', 'tag', 'auth/0', 'Not A Tag!']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/^vlt: invalid tag 'Not A Tag!'/);
    expect(bad.stderr.trim().split('\n')).toHaveLength(1);
  });
});

describe('edits and deletions', () => {
  const contents = async (box: Sandbox, thread = 'auth') =>
    (await json<ReadJson>(box, ['thread', 'read', thread, '--all'])).entries.map((e) => [e.seq, e.content]);

  it('travel both ways as revisions and tombstones; the later edit stands, the other kept in history', async () => {
    const { server, token } = await world();
    const a = syncMachine(server.url, token, cleanups, { retrier: false });
    const b = syncMachine(server.url, token, cleanups, { retrier: false });
    for (const box of [a, b]) ok(await vlt(box, ['init', '--project', 'app']));
    ok(await vlt(a, ['thread', 'new', 'auth', 'teh first']));
    ok(await vlt(a, ['thread', 'push', 'auth', 'second, to go']));
    ok(await vlt(a, ['thread', 'push', 'auth', 'third']));
    ok(await vlt(b, ['sync', 'pull']));
    const client = api(server.url, token);
    const onServer = async () =>
      (await client.threads.get.query({ projectId: 'app', threadId: 'auth' })).entries.map((e) => [
        e.sequenceId,
        e.content,
        e.deleted,
        e.edited,
      ]);

    expect((await vlt(a, ['thread', 'edit', 'auth/0', 'the first'])).stdout).toBe(
      'EDITED: app/auth/0\nsynced\n',
    );
    expect((await vlt(a, ['thread', 'edit', 'auth/0', 'the first'])).stdout).toBe('unchanged: app/auth/0\n');
    expect((await vlt(b, ['thread', 'rm', 'auth/1'])).stdout).toBe('DELETED: app/auth/1\nsynced\n');
    expect((await vlt(b, ['thread', 'rm', 'auth/1'])).stdout).toBe('already deleted: app/auth/1\n');
    expect(await onServer()).toEqual([
      [0, 'the first', false, true],
      [1, '', true, false],
      [2, 'third', false, false],
    ]);
    ok(await vlt(a, ['sync', 'pull']));
    ok(await vlt(b, ['sync', 'pull']));
    for (const box of [a, b])
      expect(await contents(box)).toEqual([
        [0, 'the first'],
        [2, 'third'],
      ]);
    // Deleted: out of searches here and on the server; the numbers stay.
    expect((await vlt(a, ['thread', 'seek', 'second'])).stderr).toMatch(/no entries match/);
    expect((await client.threads.search.query({ query: 'second' })).results).toEqual([]);
    expect((await vlt(a, ['thread', 'push', 'auth', 'fourth'])).stdout).toBe('OK: auth/3\nsynced\n');

    // Edited on both while apart: the later edit stands everywhere, the other stays in history.
    ok(await vlt(a, ['thread', 'edit', 'auth/2', 'third, as A has it', '--no-sync']));
    ok(await vlt(b, ['thread', 'edit', 'auth/2', 'third, as B has it']));
    ok(await vlt(a, ['sync', 'retry']));
    for (const box of [a, b]) ok(await vlt(box, ['sync', 'pull']));
    expect((await onServer())[2]).toEqual([2, 'third, as B has it', false, true]);
    for (const box of [a, b]) expect((await contents(box))[1]).toEqual([2, 'third, as B has it']);
    const history = new Database(join(a.home, 'vault.db'), { readonly: true });
    expect(
      history
        .prepare(
          `SELECT r.content FROM entry_revisions r JOIN entries e ON e.pk = r.entry_pk WHERE e.seq = 2 ORDER BY r.at`,
        )
        .all(),
    ).toEqual([{ content: 'third' }, { content: 'third, as A has it' }, { content: 'third, as B has it' }]);
    history.close();

    // An entry edited before it was ever sent goes with its first text, then the edit.
    ok(await vlt(a, ['thread', 'push', 'auth', 'draft tpyo', '--no-sync']));
    expect((await vlt(a, ['thread', 'edit', 'auth/4', 'draft typo', '--no-sync'])).stdout).toBe(
      'EDITED: app/auth/4\nqueued: --no-sync\n',
    );
    expect(
      (await json<{ revisions: { kind: string; seq: number }[] }>(a, ['sync', 'queue'])).revisions,
    ).toEqual([expect.objectContaining({ kind: 'edit', seq: 4, state: 'pending' })]);
    const retried = await vlt(a, ['sync', 'retry']);
    ok(retried);
    expect(retried.stdout).toMatch(/sent 1 edit or deletion/);
    expect((await onServer())[4]).toEqual([4, 'draft typo', false, true]);
    ok(await vlt(b, ['sync', 'pull']));
    expect((await contents(b)).at(-1)).toEqual([4, 'draft typo']);

    // Sent twice (a lost answer): the second is a duplicate; an unknown entry is NOT_FOUND.
    const entryId = (await client.threads.get.query({ projectId: 'app', threadId: 'auth' })).entries[3]!
      .entryId;
    const edit = { entryId, revisionId: uuidv7(), content: 'fourth, edited', at: new Date() };
    expect(await client.threads.editEntry.mutate(edit)).toEqual({
      entryId,
      deleted: false,
      duplicate: false,
    });
    expect(await client.threads.editEntry.mutate(edit)).toEqual({ entryId, deleted: false, duplicate: true });
    await expect(
      client.threads.deleteEntry.mutate({ ...edit, entryId: uuidv7(), revisionId: uuidv7() }),
    ).rejects.toThrow(/push it first/);

    // A thread deleted: asked first (here: --yes needed off a terminal), then gone everywhere.
    ok(await vlt(a, ['thread', 'new', 'scratch', 's0']));
    ok(await vlt(a, ['thread', 'push', 'scratch', 's1']));
    const refused = await vlt(a, ['thread', 'delete', 'scratch']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toBe('vlt: deleting app/scratch needs --yes when not asked on a terminal\n');
    expect((await vlt(a, ['thread', 'delete', 'scratch', '--yes'])).stdout).toBe(
      'DELETED: app/scratch (2 entries)\nsynced\n',
    );
    ok(await vlt(b, ['sync', 'pull']));
    for (const box of [a, b]) {
      const listed = (await json<{ threads: { thread: string }[] }>(box, ['thread', 'list', '--all']))
        .threads;
      expect(listed.map((t) => t.thread)).toEqual(['auth']);
    }
    const scratch = await client.threads.get.query({ projectId: 'app', threadId: 'scratch' });
    expect(scratch.entries.map((e) => e.deleted)).toEqual([true, true]);
  });
});
