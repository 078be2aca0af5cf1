// `vlt code sync` with the real `vlt` and `vlt-server` processes, on a real repository (a copy of
// this one's src/): first sync, a sync that changes nothing, one edit, a rename, a deletion, a dry
// run; the server's Oracle citing the code on another machine; then a file over the server's limit
// and a bad [code] url, each refused with one line and nothing half-written.
import { cpSync, mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOneLineError, vlt, type Sandbox } from './helpers.js';
import { newDataDir, ROOT, startServer, userWithToken, type RunningServer } from './net-helpers.js';
import { apiFor, syncMachine, type Cleanups } from './sync-helpers.js';

/** The server's limit for one source file here: over every file of src/, under a file the test writes. */
const FILE_LIMIT = 100_000;

let data: string;
let server: RunningServer;
let token: string;
let box: Sandbox;
let repo: string;
const cleanups: Cleanups = [];

interface SyncJson {
  project: string;
  files: number;
  dryRun: boolean;
  local: { added: string[]; changed: string[]; deleted: string[]; unchanged: number; chunks: number };
  server: {
    url: string;
    missing: number;
    uploaded: number;
    uploadedBytes: number;
    requests: number;
    moved: { from: string; to: string }[];
    copied: { from: string; to: string }[];
    deleted: string[];
    unchanged: number;
  };
}

const run = (...args: string[]) => vlt({ ...box, cwd: repo }, ['code', 'sync', ...args]);
const sync = (...args: string[]) => {
  const result = run('--json', ...args);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as SyncJson;
};

beforeAll(async () => {
  data = newDataDir();
  server = await startServer(data, 0, { VLT_LIMIT_CODE_FILE_BYTES: String(FILE_LIMIT) });
  token = userWithToken(data, 'coder');
  box = syncMachine(server.url, token, cleanups, { retrier: false });
  repo = join(box.base, 'repo');
  mkdirSync(repo);
  writeFileSync(
    join(repo, 'vlt.toml'),
    '[project]\nid = "app"\n[code]\nexclude = ["src/web/", "*.test.ts"]\nurl = "https://git.example.com/org/app/blob/main"\n',
  );
  cpSync(join(ROOT, 'src'), join(repo, 'src'), { recursive: true });
  // Files written in the second before they are hashed are read again next time ("racy", as in git).
  await new Promise((resolve) => setTimeout(resolve, 1100));
});

afterAll(async () => {
  await server.stop();
  for (const cleanup of cleanups) await cleanup();
  rmSync(data, { recursive: true, force: true });
});

describe('vlt code sync against the real server', () => {
  it('syncs a repository, then a second run uploads nothing, an edit one file, a rename moves, a deletion leaves search', async () => {
    const dry = sync('--dry-run');
    expect(dry).toMatchObject({ dryRun: true, server: { uploaded: 0, requests: 0 } });
    expect(dry.server.missing).toBe(dry.files);
    const api = apiFor(server.url, token);
    expect((await api.code.list.query({ projectId: 'app', limit: 1 })).files).toEqual([]);

    const first = sync();
    expect(first.files).toBeGreaterThan(100);
    expect(first.local.added).toHaveLength(first.files);
    expect(first.server.uploaded).toBe(first.files);
    // Every request under the 1 MiB body limit: more than one was needed.
    expect(first.server.requests).toBeGreaterThan(1);
    const found = await api.code.search.query({ query: 'retrier lock', projectId: 'app' });
    expect(found.results.slice(0, 3).every((r) => r.path === 'src/cli/sync/retrier.ts')).toBe(true);
    const lock = found.results.find((r) => r.symbol === 'takeRetrierLock')!;
    expect(lock.url).toBe(
      `https://git.example.com/org/app/blob/main/src/cli/sync/retrier.ts#L${lock.startLine}-L${lock.endLine}`,
    );
    // The server's chunk is the file's lines, as cited.
    const got = await api.code.get.query({ projectId: 'app', path: lock.path, line: lock.startLine });
    const lines = readFileSync(join(repo, lock.path), 'utf8').split('\n');
    expect(got.chunk.content).toBe(lines.slice(lock.startLine - 1, lock.endLine).join('\n'));

    const again = sync();
    expect(again.local).toMatchObject({ added: [], changed: [], deleted: [] });
    expect([again.server.uploaded, again.server.uploadedBytes, again.server.requests]).toEqual([0, 0, 0]);
    const human = run();
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^code: \d+ files in \.\/ \(project app\)\nlocal: nothing changed/);
    expect(human.stdout).toMatch(/server: nothing to upload \(0 bytes sent\); \d+ unchanged/);

    const edited = 'src/cli/sync/retrier.ts';
    writeFileSync(
      join(repo, edited),
      `${readFileSync(join(repo, edited), 'utf8')}\nexport const zanzibarXylofrond = 3;\n`,
    );
    const edit = sync();
    expect(edit.local.changed).toEqual([edited]);
    expect([edit.server.uploaded, edit.server.requests]).toEqual([1, 1]);
    const marker = await api.code.search.query({ query: 'zanzibar xylofrond' });
    expect(marker.results.map((r) => [r.path, r.symbol])).toEqual([[edited, 'zanzibarXylofrond']]);

    renameSync(join(repo, edited), join(repo, 'src/cli/sync/background.ts'));
    const rename = sync();
    expect(rename.server.moved).toEqual([{ from: edited, to: 'src/cli/sync/background.ts' }]);
    expect([rename.server.uploaded, rename.server.requests]).toEqual([0, 0]);
    const moved = await api.code.search.query({ query: 'zanzibar xylofrond' });
    expect(moved.results.map((r) => r.path)).toEqual(['src/cli/sync/background.ts']);

    rmSync(join(repo, 'src/cli/sync/background.ts'));
    const removal = sync();
    expect(removal.server.deleted).toEqual(['src/cli/sync/background.ts']);
    expect((await api.code.search.query({ query: 'zanzibar xylofrond' })).results).toEqual([]);
  }, 180_000);

  it('vlt oracle (the server, not --local) cites code on another machine as path:lines (symbol), quoting it', () => {
    writeFileSync(
      join(repo, 'src', 'quokka.ts'),
      [
        '/** How often the quokka signing keys rotate, in days. */',
        'export const QUOKKA_ROTATION_DAYS = 17;',
        '',
        '/** Rotates the quokka signing keys when they are older than QUOKKA_ROTATION_DAYS. */',
        'export function rotateQuokkaKeys(ageDays: number): boolean {',
        '  return ageDays >= QUOKKA_ROTATION_DAYS;',
        '}',
        '',
      ].join('\n'),
    );
    expect(sync().server.uploaded).toBe(1);
    // Another machine with the same account and an empty vault: only the server knows the code.
    const other = syncMachine(server.url, token, cleanups, { retrier: false });
    const question = 'when do the quokka signing keys rotate?';
    const asked = vlt(other, ['oracle', question]);
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stderr).not.toMatch(/local vault/);
    expect(asked.stdout).toMatch(
      /src\/quokka\.ts:\d+(-\d+)? \((rotateQuokkaKeys|QUOKKA_ROTATION_DAYS)\) \[1\]:\n```typescript\n/,
    );
    expect(asked.stdout).toMatch(/\[1\] src\/quokka\.ts:\d+(-\d+)? \(\w+\) {2}\(app: typescript\)/);
    const answer = JSON.parse(vlt(other, ['oracle', question, '--json']).stdout) as {
      mode: string;
      sources: {
        kind: string;
        path: string;
        symbol: string;
        language: string;
        startLine: number;
        endLine: number;
      }[];
    };
    expect(answer.mode).not.toBe('local');
    expect(answer.sources[0]).toMatchObject({ kind: 'code', path: 'src/quokka.ts', language: 'typescript' });
    const local = vlt(other, ['oracle', question, '--local']);
    expect(local.stdout).not.toMatch(/quokka\.ts/);
  });

  it('refuses a file over the server limit and a bad [code] url with one line, changing nothing on the server', async () => {
    const api = apiFor(server.url, token);
    const before = await api.code.list.query({ projectId: 'app', limit: 100 });
    // Many short lines (a long one would make it look minified, and the CLI would leave it out).
    writeFileSync(join(repo, 'src', 'huge.ts'), `// ${'x'.repeat(76)}\n`.repeat(FILE_LIMIT / 80 + 10));
    writeFileSync(join(repo, 'src', 'new-alongside.ts'), 'export const alongside = 1;\n');
    rmSync(join(repo, 'src', 'quokka.ts'));
    const refused = run('--json');
    // One line on stderr; with --json, the error as JSON on stdout too.
    expect(refused.code).not.toBe(0);
    expect(refused.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(JSON.parse(refused.stdout)).toMatchObject({
      error: { message: expect.stringMatching(/huge\.ts/) },
    });
    expect(refused.stderr).toMatch(
      /src\/huge\.ts is \d+ bytes, over the limit of 100000 bytes for a code file: split it or leave it out/,
    );
    // Nothing of the manifest applied: quokka.ts is still there, new-alongside.ts is not.
    const after = await api.code.list.query({ projectId: 'app', limit: 100 });
    expect(after.files.map((f) => f.path)).toEqual(before.files.map((f) => f.path));
    expect((await api.code.search.query({ query: 'alongside' })).results).toEqual([]);
    rmSync(join(repo, 'src', 'huge.ts'));
    rmSync(join(repo, 'src', 'new-alongside.ts'));

    const toml = readFileSync(join(repo, 'vlt.toml'), 'utf8');
    for (const url of ['javascript:alert(1)', 'https://git.example.com/\u202egnp.exe']) {
      writeFileSync(join(repo, 'vlt.toml'), toml.replace(/url = ".*"/, `url = "${url}"`));
      const bad = run();
      expect(isOneLineError(bad), bad.stderr).toBe(true);
      expect(bad.stderr).toMatch(/\[code\] url '.*' must be an http\(s\) address/);
    }
    writeFileSync(join(repo, 'vlt.toml'), toml);
    expect((await api.code.list.query({ projectId: 'app', limit: 100 })).files).toEqual(after.files);
  });
});
