// Scale-out: two vlt-server instances on different ports sharing one PostgreSQL database. Runs when
// VLT_TEST_DATABASE is a postgres:// URL (CI starts a throwaway cluster); skipped on SQLite, which
// is one process's database. The pushes at once and the reader's pulls during them are `vlt`
// processes (what runs at the same time); the vaults' setup and the reads of what they hold run the
// CLI's commands in this process (`vltHere`), which saves a Node start each.
import { rmSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { vltAsync, vltInProcess, type Result, type Sandbox } from './helpers.js';
import { apiFor, syncMachine, tokenOverApi } from './sync-helpers.js';
import { newDataDir, PG_URL, rawHttp, serverEnv, startServer } from './net-helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

const machine = (serverUrl: string, token: string): Sandbox =>
  syncMachine(serverUrl, token, cleanups, { retrier: false });
const api = apiFor;

/** A `vlt` command in this process. */
const vltHere = (box: Sandbox, args: string[]): Promise<Result> => vltInProcess(box, args);

const json = async <T>(box: Sandbox, args: string[]): Promise<T> => {
  const result = await vltHere(box, [...args, '--json']);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as T;
};

type Entry = { id: string; seq: number; content: string };

/** Two instances on different ports and data directories, one database; a user made through A. */
async function twoInstances() {
  const dataA = newDataDir();
  const dataB = newDataDir();
  const shared = { VLT_SERVER_DATABASE_URL: serverEnv(dataA).VLT_SERVER_DATABASE_URL! };
  const [a, b] = await Promise.all([startServer(dataA), startServer(dataB, 0, shared)]);
  cleanups.push(
    () => rmSync(dataA, { recursive: true, force: true }),
    () => rmSync(dataB, { recursive: true, force: true }),
    () => a.stop(),
    () => b.stop(),
  );
  return { a, b, token: await tokenOverApi(a.url, 'alice') };
}

describe.skipIf(!PG_URL)('two instances behind one PostgreSQL', () => {
  it('start together, share sessions and tokens, and keep one thread exactly once, in order', async () => {
    // Started at once on a new database: the migration lock makes them take turns.
    const { a, b, token } = await twoInstances();
    // A token made through one instance's data works on the other.
    expect((await api(b.url, token).auth.me.query()).user.username).toBe('alice');

    const one = machine(a.url, token);
    const two = machine(b.url, token);
    for (const box of [one, two]) expect((await vltHere(box, ['init', '--project', 'app'])).code).toBe(0);
    expect((await vltHere(one, ['thread', 'new', 'shared', 'one 0'])).stdout).toBe(
      'CREATED: app/shared\nsynced\n',
    );
    expect((await vltHere(two, ['sync', 'pull'])).stdout).toMatch(
      /^pulled 1 new entry into 1 thread; sent 0\n$/,
    );

    // Both push to the same thread at once, each through its own instance.
    const pushes = (box: Sandbox, name: string) =>
      Promise.all(
        Array.from({ length: 15 }, async (_, i) => {
          const result = await vltAsync(box, ['thread', 'push', 'shared', `${name} ${i + 1}`]).done;
          expect(result.code, result.stderr).toBe(0);
        }),
      );
    await Promise.all([pushes(one, 'one'), pushes(two, 'two')]);
    // What a push's own sync left pending (another push's sync held the vault, or its time ran out
    // on a loaded machine) goes now, so every entry has reached the server once.
    for (const box of [one, two]) await vltHere(box, ['sync', 'retry']);
    // They took the same numbers: one instance's entries were refused as on a single instance,
    // one of each pair (1 to 15 on both machines).
    const failures: { state: string; lastError: string }[] = [];
    for (const box of [one, two]) {
      const queue = await json<{ items: { state: string; lastError: string }[] }>(box, ['sync', 'queue']);
      failures.push(...queue.items.filter((item) => item.state === 'failed'));
    }
    expect(failures.length).toBe(15);
    for (const failure of failures) {
      expect(failure.lastError).toMatch(
        /^CONFLICT: sequence \d+ of app\/shared is taken by another entry: pull the thread, then push again$/,
      );
    }
    // Pulls through the other instance resolve it.
    for (let round = 0; round < 3; round++) {
      for (const box of [one, two]) expect((await vltHere(box, ['sync', 'pull'])).code).toBe(0);
    }
    const read = async (box: Sandbox) =>
      (await json<{ entries: Entry[] }>(box, ['thread', 'read', 'shared', '--all'])).entries.map((e) => ({
        id: e.id,
        seq: e.seq,
        content: e.content,
      }));
    const viewOne = await read(one);
    expect(await read(two)).toEqual(viewOne);
    expect(viewOne.map((e) => e.seq)).toEqual([...Array(31).keys()]);
    expect(viewOne.map((e) => e.content).sort()).toEqual(
      ['one 0', ...Array.from({ length: 15 }, (_, i) => [`one ${i + 1}`, `two ${i + 1}`]).flat()].sort(),
    );
    for (const url of [a.url, b.url]) {
      const stored = await api(url, token).threads.get.query({ projectId: 'app', threadId: 'shared' });
      expect(stored.entries.map((e) => ({ id: e.entryId, seq: e.sequenceId, content: e.content }))).toEqual(
        viewOne,
      );
    }
  }, 180_000);

  it('a third machine pulling through one instance gets every entry pushed through both, once', async () => {
    const { a, b, token } = await twoInstances();
    const writers = [machine(a.url, token), machine(b.url, token)];
    const reader = machine(b.url, token);
    // The reader pulls while the writers push, so its cursor moves past entries being written.
    let writing = true;
    const pulling = (async () => {
      while (writing) {
        await vltAsync(reader, ['sync', 'pull']).done;
      }
    })();
    await Promise.all(
      writers.map(async (box, w) => {
        expect((await vltHere(box, ['init', '--project', `p${w}`])).code).toBe(0);
        for (let t = 0; t < 3; t++) {
          expect((await vltHere(box, ['thread', 'new', `t${t}`, `p${w}/t${t} 0`])).code).toBe(0);
        }
        await Promise.all(
          Array.from({ length: 12 }, async (_, i) => {
            const result = await vltAsync(box, ['thread', 'push', `t${i % 3}`, `p${w}/t${i % 3} +${i}`]).done;
            expect(result.code, result.stderr).toBe(0);
          }),
        );
        expect((await vltHere(box, ['sync', 'retry'])).code).toBe(0);
      }),
    );
    writing = false;
    await pulling;
    expect((await vltHere(reader, ['sync', 'pull'])).code).toBe(0);
    for (const [w, box] of writers.entries()) {
      for (let t = 0; t < 3; t++) {
        const mine = (await json<{ entries: Entry[] }>(box, ['thread', 'read', `p${w}/t${t}`, '--all']))
          .entries;
        const pulled = (await json<{ entries: Entry[] }>(reader, ['thread', 'read', `p${w}/t${t}`, '--all']))
          .entries;
        const view = (entries: Entry[]) => entries.map((e) => [e.id, e.seq, e.content]);
        expect(view(pulled)).toEqual(view(mine));
        expect(mine).toHaveLength(5);
      }
    }
  }, 180_000);
});

describe.skipIf(!PG_URL)('login limits across instances', () => {
  it('count attempts in the shared database: two instances give no more guesses than one', async () => {
    const { a, b } = await twoInstances();
    const login = (url: string, password: string) =>
      rawHttp(`${url}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ json: { username: 'alice', password } }),
      });
    // Forty guesses at once, half through each instance: ten are checked at most (the per-user limit).
    const answers = await Promise.all(
      Array.from({ length: 40 }, (_, i) => login(i % 2 ? a.url : b.url, `wrong guess ${i}`)),
    );
    const statuses = answers.map((answer) => answer.status);
    expect(statuses.filter((s) => s === 401).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(30);
    expect(statuses.every((s) => s === 401 || s === 429)).toBe(true);
    // And the right password from the same address waits too, on either instance.
    expect((await login(b.url, 'correct horse battery')).status).toBe(429);
  });
});
