// The vault's file on disk, as the real `vlt` process meets it: its mode, a full disk, a file size
// limit, damaged pages, an empty file; and what the messages promise.
import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  readFileSync,
  statSync,
  writeFileSync,
  openSync,
  writeSync,
  closeSync,
} from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isOneLineError, sandbox, VLT_BIN, vlt, type Sandbox } from './helpers.js';

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

const ok = (result: { code: number; stderr: string }) => {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
};

const vaultFile = () => join(box.home, 'vault.db');
const mode = (path: string) => statSync(path).mode & 0o777;

function entryCount(): number {
  const db = new Database(vaultFile(), { readonly: true });
  const { n } = db.prepare('SELECT count(*) AS n FROM entries').get() as { n: number };
  db.close();
  return n;
}

/** `vlt` under a shell that first runs `setup` (a umask, a limit): the real process, as a user runs it. */
function vltUnder(setup: string, args: string[], input = '') {
  const result = spawnSync('sh', ['-c', `${setup} && exec "$0" "$@"`, process.execPath, VLT_BIN, ...args], {
    cwd: box.cwd,
    env: box.env,
    input,
    encoding: 'utf8',
  });
  return { code: result.status ?? -1, stdout: result.stdout, stderr: result.stderr };
}

describe('file modes', () => {
  it('creates vault.db 0600 whatever the umask, and warns once when VLT_HOME is readable by others', () => {
    mkdirSync(box.home, { mode: 0o755 });
    chmodSync(box.home, 0o755);
    const created = vltUnder('umask 000', ['thread', 'new', 'app/notes', 'first', '--no-sync']);
    expect(created.code).toBe(0);
    expect(created.stdout).toBe('CREATED: app/notes\nqueued: --no-sync\n');
    expect(created.stderr).toBe(
      `vlt: warning: ${box.home} can be read by other users (mode 0755): run \`chmod 700 ${box.home}\`\n`,
    );
    expect(mode(vaultFile())).toBe(0o600);
    // Once: the vault exists now.
    ok(vltUnder('umask 000', ['thread', 'push', 'app/notes', 'second', '--no-sync']));
    expect(mode(vaultFile())).toBe(0o600);
    // A private VLT_HOME (as vlt makes it) gets no warning.
    const fresh = sandbox();
    try {
      const quiet = vlt(fresh, ['init', '--project', 'app']);
      ok(quiet);
      expect(mode(fresh.home)).toBe(0o700);
      expect(mode(join(fresh.home, 'vault.db'))).toBe(0o600);
    } finally {
      fresh.cleanup();
    }
  });

  it('tightens a looser vault, with its -wal and -shm, to 0600 when it is opened', () => {
    ok(vlt(box, ['thread', 'new', 'app/notes', 'first', '--no-sync']));
    // A reader keeps the -wal and -shm in place while vlt writes.
    const reader = new Database(vaultFile());
    reader.prepare('SELECT count(*) FROM entries').get();
    try {
      for (const file of [vaultFile(), `${vaultFile()}-wal`, `${vaultFile()}-shm`]) chmodSync(file, 0o644);
      ok(vlt(box, ['thread', 'push', 'app/notes', 'second', '--no-sync']));
      for (const file of [vaultFile(), `${vaultFile()}-wal`, `${vaultFile()}-shm`])
        expect(mode(file)).toBe(0o600);
    } finally {
      reader.close();
    }
    ok(vlt(box, ['config', 'set', 'author', 'me']));
    expect(mode(join(box.home, 'config.toml'))).toBe(0o600);
  });
});

describe('broken storage', () => {
  beforeEach(() => {
    ok(vlt(box, ['init', '--project', 'app']));
    ok(vlt(box, ['thread', 'new', 'notes', 'entry 0', '--no-sync']));
    for (let i = 1; i < 4; i++) ok(vlt(box, ['thread', 'push', 'notes', `entry ${i}`, '--no-sync']));
  });

  const damaged = (path: string) =>
    `vlt: the vault ${path} is damaged (SQLITE_CORRUPT): copy it somewhere safe, then recover what it holds with \`sqlite3 ${path} .recover | sqlite3 recovered.db\` and put recovered.db in its place\n`;

  /** Overwrites `bytes` at `offset` of the b-tree page holding `table`'s root. */
  function damage(table: string, offset: number, bytes: Buffer): void {
    const db = new Database(vaultFile());
    const { rootpage } = db.prepare('SELECT rootpage FROM sqlite_schema WHERE name = ?').get(table) as {
      rootpage: number;
    };
    const pageSize = db.pragma('page_size', { simple: true }) as number;
    db.close();
    const fd = openSync(vaultFile(), 'r+');
    writeSync(fd, bytes, 0, bytes.length, (rootpage - 1) * pageSize + offset);
    closeSync(fd);
  }

  it('a damaged page the push reads stops it with a line naming the file and what to do; read says the same', () => {
    // The first cell pointer of the entries table's only page points past the page's end.
    damage('entries', 8, Buffer.from([0xff, 0xff]));
    const pushed = vlt(box, ['thread', 'push', 'notes', 'onto damaged pages', '--no-sync']);
    expect(isOneLineError(pushed), pushed.stderr).toBe(true);
    expect(pushed.stderr).toBe(damaged(vaultFile()));
    expect(pushed.code).toBe(1);
    const read = vlt(box, ['thread', 'read', 'notes']);
    expect(isOneLineError(read), read.stderr).toBe(true);
    expect(read.stderr).toBe(damaged(vaultFile()));
  });

  it('a damaged threads page: push and read say so in one line', () => {
    damage('threads', 4000, Buffer.alloc(96, 0xff));
    for (const args of [
      ['thread', 'push', 'notes', 'x', '--no-sync'],
      ['thread', 'read', 'notes'],
      ['thread', 'list'],
    ]) {
      const result = vlt(box, args);
      expect(isOneLineError(result), `${args.join(' ')}: ${result.stderr}`).toBe(true);
      expect(result.stderr).toBe(damaged(vaultFile()));
    }
  });

  it('an empty vault.db is not taken for a new vault', () => {
    writeFileSync(vaultFile(), '');
    for (const args of [
      ['thread', 'push', 'notes', 'x', '--no-sync'],
      ['thread', 'new', 'other', 'x', '--no-sync'],
      ['thread', 'read', 'notes'],
      ['thread', 'list'],
    ]) {
      const result = vlt(box, args);
      expect(isOneLineError(result), `${args.join(' ')}: ${result.stderr}`).toBe(true);
      expect(result.stderr).toBe(
        `vlt: the vault ${vaultFile()} is empty (0 bytes), probably truncated: restore it from a backup, or move it away to start a new vault\n`,
      );
    }
    expect(readFileSync(vaultFile())).toHaveLength(0);
  });

  it('over a file size limit (ulimit -f), the push fails in one line and writes nothing', () => {
    const before = entryCount();
    // Room for the -shm (32 KiB), not for this entry's pages in the -wal.
    const limited = spawnSync(
      'prlimit',
      ['--fsize=65536', process.execPath, VLT_BIN, 'thread', 'push', 'notes', '-', '--no-sync'],
      { cwd: box.cwd, env: box.env, input: 'x'.repeat(90_000), encoding: 'utf8' },
    );
    const result = { code: limited.status ?? -1, stdout: limited.stdout, stderr: limited.stderr };
    expect(isOneLineError(result), result.stderr).toBe(true);
    expect(result.stderr).toBe(
      `vlt: cannot read or write the vault ${vaultFile()} (SQLITE_IOERR_WRITE): check the disk (and a file size limit, \`ulimit -f\`), then try again\n`,
    );
    expect(result.code).toBe(1);
    expect(entryCount()).toBe(before);
  });

  // A full disk needs a small file system: a tmpfs mounted in a user namespace (no root needed where
  // unprivileged user namespaces are allowed, as on most Linux systems).
  const userNamespaces = spawnSync('unshare', ['-rm', 'true']).status === 0;

  it.runIf(userNamespaces)('on a full disk the push says so in one line and writes nothing', () => {
    const before = entryCount();
    const script = `
      set -e
      cp "$VLT_HOME/vault.db" "$0/vault.db"
      mount -t tmpfs -o size=400k tmpfs "$VLT_HOME"
      cp "$0/vault.db" "$VLT_HOME/vault.db"
      avail=$(df -k --output=avail "$VLT_HOME" | tail -1)
      # Room for the -shm, not for the entry.
      dd if=/dev/zero of="$VLT_HOME/filler" bs=1k count=$((avail - 60)) 2>/dev/null
      set +e
      "$1" "$2" thread push notes - --no-sync < "$0/content" > "$0/stdout" 2> "$0/stderr"
      echo $? > "$0/code"
      rm "$VLT_HOME/filler"
      cp "$VLT_HOME/vault.db" "$0/after.db"`;
    const scratch = join(box.base, 'full');
    mkdirSync(scratch);
    writeFileSync(join(scratch, 'content'), 'x'.repeat(90_000));
    const ran = spawnSync('unshare', ['-rm', 'sh', '-c', script, scratch, process.execPath, VLT_BIN], {
      cwd: box.cwd,
      env: box.env,
      encoding: 'utf8',
    });
    expect(ran.status, ran.stderr).toBe(0);
    const result = {
      code: Number(readFileSync(join(scratch, 'code'), 'utf8')),
      stdout: readFileSync(join(scratch, 'stdout'), 'utf8'),
      stderr: readFileSync(join(scratch, 'stderr'), 'utf8'),
    };
    expect(isOneLineError(result), result.stderr).toBe(true);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(
      `vlt: the disk holding ${vaultFile()} is full: free some space, then try again\n`,
    );
    const after = new Database(join(scratch, 'after.db'), { readonly: true });
    expect(after.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(after.prepare('SELECT count(*) AS n FROM entries').get()).toEqual({ n: before });
    after.close();
  });
});
