// vlt-server's own commands as an operator uses them: help, mistakes, where the data goes, the
// password on a terminal, the request log, and a backup restored into a new data directory.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { rawHttp, PG_URL, PGLITE, SERVER_BIN, startServer, until, userWithToken } from './net-helpers.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A scratch working directory, as an operator's shell would be in. */
function workdir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'vlt-ops-'));
  chmodSync(dir, 0o700);
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const server = (args: string[], options: { cwd: string; input?: string; env?: NodeJS.ProcessEnv }) => {
  const env: NodeJS.ProcessEnv = { ...process.env, ...options.env };
  delete env.VLT_SERVER_DATA;
  delete env.VLT_SERVER_DATABASE_URL;
  return spawnSync(process.execPath, [SERVER_BIN, ...args], {
    cwd: options.cwd,
    input: options.input ?? '',
    encoding: 'utf8',
    env,
  });
};

describe('vlt-server on the command line', () => {
  it('prints plain help with named placeholders when piped, every command in it', () => {
    const help = server(['--help'], { cwd: workdir() });
    expect(help.status).toBe(0);
    expect(help.stdout).not.toContain('\u001b[');
    expect(help.stdout).toContain('vlt-server start [--host <host>] [--port <port>] [--data <data>]');
    for (const command of ['start', 'user add', 'token issue', 'backup']) {
      expect(help.stdout).toContain(`vlt-server ${command}`);
    }
    expect(help.stdout).not.toContain('#0');
  });

  it('says in one line what a mistyped command should have been', () => {
    const typo = server(['strat'], { cwd: workdir() });
    expect(typo.status).toBe(2);
    expect(typo.stdout).toBe('');
    expect(typo.stderr).toBe(
      "vlt-server: unknown command 'strat': the commands are start, user add, token issue, backup (see `vlt-server --help`)\n",
    );
    // A negative number after its option is a bad value, not an option `-3`; nothing is made.
    const dir = workdir();
    const negative = server(['token', 'issue', 'ops', '--expires-days', '-3'], { cwd: dir });
    expect([negative.status, negative.stderr]).toEqual([
      1,
      "vlt-server: --expires-days must be a whole number from 1 to 3650, not '-3'\n",
    ]);
    expect(existsSync(join(dir, 'data'))).toBe(false);
  });

  it('names the data directory it used, and says when it made one', () => {
    const cwd = workdir();
    const made = server(['user', 'add', 'alice', '--password-stdin'], {
      cwd,
      input: 'correct horse battery\n',
    });
    expect(made.status, made.stderr).toBe(0);
    expect(made.stderr).toContain(`vlt-server: created the data directory ${join(cwd, 'data')}`);
    expect(made.stdout).toBe(`created user alice in ${join(cwd, 'data')}\n`);
    const issued = server(['token', 'issue', 'alice'], { cwd });
    expect(issued.stdout).toMatch(/^vlt_[0-9a-f]{12}_[A-Za-z0-9_-]{43}\n$/);
    expect(issued.stderr).toBe(`vlt-server: a token for alice of the server in ${join(cwd, 'data')}\n`);
    // In another directory, a wrong data directory is named: no silent new server.
    const elsewhere = workdir();
    const missing = server(['token', 'issue', 'alice'], { cwd: elsewhere });
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain(`created the data directory ${join(elsewhere, 'data')}`);
    expect(missing.stderr).toContain(`no user 'alice' in ${join(elsewhere, 'data')}`);
  });

  it('asks for the password on a terminal, twice and unechoed, and refuses without one', () => {
    const cwd = workdir();
    const none = server(['user', 'add', 'bob'], { cwd });
    expect(none.status).toBe(1);
    expect(none.stderr).toBe(
      'vlt-server: no terminal to ask for the password: pass it on stdin with --password-stdin\n',
    );
  });

  const hasScript = spawnSync('script', ['-qec', 'true', '/dev/null']).status === 0;
  it.runIf(hasScript)('takes the password typed twice on a terminal', async () => {
    const cwd = workdir();
    const typeTwice = async (first: string, second: string) => {
      const child = spawn(
        'script',
        ['-qec', `"${process.execPath}" "${SERVER_BIN}" user add carol --data data`, '/dev/null'],
        { cwd, env: { ...process.env, VLT_SERVER_DATA: '' } },
      );
      let shown = '';
      let answered = 0;
      child.stdout.on('data', (chunk: Buffer) => {
        shown += chunk.toString();
        if (answered === 0 && shown.includes('Password: ')) {
          child.stdin.write(`${first}\r`);
          answered++;
        }
        if (answered === 1 && shown.includes('Password again: ')) {
          child.stdin.write(`${second}\r`);
          answered++;
        }
      });
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      return { code, shown };
    };
    const differ = await typeTwice('first password', 'second password');
    expect(differ.code).toBe(1);
    expect(differ.shown).toContain('the two passwords differ: run the command again');
    const same = await typeTwice('a fine password', 'a fine password');
    expect(same.code).toBe(0);
    expect(same.shown).toContain('created user carol');
    expect(same.shown).not.toContain('a fine password');
  });
});

describe('the request log', () => {
  it('writes a line per request, without the query string; VLT_LOG=debug adds the address, off nothing', async () => {
    const lines = async (level: string) => {
      const data = workdir();
      const running = await startServer(data, 0, { VLT_LOG: level });
      cleanups.push(() => running.stop());
      await rawHttp(`${running.url}/healthz`);
      await rawHttp(
        `${running.url}/trpc/threads.search?input=${encodeURIComponent('{"json":{"query":"secret words"}}')}`,
      );
      await until(
        () => level === 'off' || /GET \/trpc\/threads\.search 401/.test(running.output()),
        'the log',
      );
      return running.output();
    };
    const info = await lines('info');
    expect(info).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z GET \/healthz 200 [\d.]+ms$/m);
    expect(info).toMatch(/GET \/trpc\/threads\.search 401 [\d.]+ms$/m);
    expect(info).not.toContain('secret');
    expect(await lines('debug')).toMatch(/GET \/healthz 200 [\d.]+ms from (::ffff:)?127\.0\.0\.1$/m);
    expect(await lines('off')).not.toMatch(/GET \/healthz/);
    const bad = server(['start', '--port', '0', '--data', 'data'], {
      cwd: workdir(),
      env: { VLT_LOG: 'loud' },
    });
    expect(bad.status).toBe(1);
    expect(bad.stderr).toMatch(/\nvlt-server: VLT_LOG: use off, info \(the default\) or debug\n$/);
  });
});

describe.skipIf(PGLITE || PG_URL)('a backup', () => {
  it('is taken while the server runs, and restored into a new data directory whole', async () => {
    const cwd = workdir();
    const data = join(cwd, 'data');
    mkdirSync(data, { mode: 0o700 });
    const running = await startServer(data);
    cleanups.push(() => running.stop());
    const token = userWithToken(data, 'alice');
    const entry = {
      entryId: '01900000-0000-7000-8000-00000000b001',
      sequenceId: 0,
      content: 'kept through a backup',
      author: 'a',
      timestamp: '2026-11-30T00:00:00.000Z',
    };
    const pushed = await rawHttp(`${running.url}/trpc/threads.push`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({
        json: { projectId: 'ops', threadId: 'backup', createdAt: entry.timestamp, entries: [entry] },
        meta: { values: { createdAt: ['Date'], 'entries.0.timestamp': ['Date'] } },
      }),
    });
    expect(pushed.status).toBe(200);

    const target = join(cwd, 'nightly.db');
    const backup = server(['backup', target, '--data', data], { cwd });
    expect(backup.status, backup.stderr).toBe(0);
    expect(backup.stdout).toBe(
      `backed up ${data}: the database to ${target}, its secret to ${target}.secret (keep the two together)\n`,
    );
    for (const file of [target, `${target}.secret`]) expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(server(['backup', target, '--data', data], { cwd }).stderr).toBe(
      `vlt-server: ${target} exists already: choose a new file name\n`,
    );
    expect(server(['backup', join(cwd, 'x.db'), '--data', join(cwd, 'nowhere')], { cwd }).stderr).toBe(
      `vlt-server: no server database in ${join(cwd, 'nowhere')}: give the server's data directory with --data\n`,
    );
    expect(
      server(['backup', join(cwd, 'x.db'), '--database-url', 'postgres://db/vlt'], { cwd }).stderr,
    ).toMatch(/^vlt-server: on PostgreSQL, back up with pg_dump/);

    // Restored: the copy as vlt.db and the secret beside it; the same token still works.
    const restored = join(cwd, 'restored');
    mkdirSync(restored, { mode: 0o700 });
    copyFileSync(target, join(restored, 'vlt.db'));
    copyFileSync(`${target}.secret`, join(restored, 'secret'));
    const again = await startServer(restored);
    cleanups.push(() => again.stop());
    const input = encodeURIComponent(JSON.stringify({ json: { projectId: 'ops', threadId: 'backup' } }));
    const got = await rawHttp(`${again.url}/trpc/threads.get?input=${input}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(got.status, got.text).toBe(200);
    expect(got.text).toContain('kept through a backup');
    expect(existsSync(join(restored, 'vlt.db-wal'))).toBe(true);
  });
});
