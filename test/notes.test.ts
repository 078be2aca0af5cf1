// `vlt notes sync` against the real `vlt-server` process, on a real folder: the markdown shipped in
// node_modules (1,000+ files), first sync, a sync that changes nothing, one edit, a rename, a
// deletion; then what is refused (a project file pointing outside the repository, an oversize,
// binary or non-UTF-8 file) with one line and nothing half-written. The first sync, the one that
// uploads the whole folder, is a real `vlt` process; the other commands run in this process (the
// CLI's runCli, as the bundle's entry calls it), which saves a Node start (about 0.4 s) each. The
// bundle as a process: test/cli-process.test.ts, the stress suite and the package test.
import {
  cpSync,
  mkdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeServer } from './fake-server.js';
import {
  isOneLineError,
  vlt as vltProcess,
  VLT_BIN,
  vltInProcess,
  type Result,
  type Sandbox,
} from './helpers.js';
import { newDataDir, ROOT, startServer, type RunningServer } from './net-helpers.js';
import { apiFor, syncMachine, tokenOverApi, type Cleanups } from './sync-helpers.js';
import { readdirSync } from 'node:fs';

let data: string;
let server: RunningServer;
let token: string;
let box: Sandbox;
const cleanups: Cleanups = [];

/** Every markdown file under node_modules, as paths relative to it. */
function nodeModulesMarkdown(): string[] {
  const out: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.isFile() && /\.md$/i.test(entry.name))
        out.push(relative(join(ROOT, 'node_modules'), full));
    }
  };
  walk(join(ROOT, 'node_modules'));
  return out.filter((p) => readFileSync(join(ROOT, 'node_modules', p)).length < 900_000);
}

/** A `vlt` command in this process. */
const vlt = (sandbox: Pick<Sandbox, 'cwd' | 'env'>, args: string[]): Promise<Result> =>
  vltInProcess(sandbox, args, '', { entry: VLT_BIN });
const sync = (...args: string[]) => vlt(box, ['notes', 'sync', '--json', ...args]);
const json = (result: { stdout: string; stderr: string; code: number }) => {
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as {
    files: number;
    local: { added: string[]; changed: string[]; moved: { from: string; to: string }[]; deleted: string[] };
    server: {
      uploaded: number;
      uploadedBytes: number;
      requests: number;
      moved: unknown[];
      deleted: string[];
      unchanged: number;
    };
  };
};

beforeAll(async () => {
  data = newDataDir();
  server = await startServer(data);
  token = await tokenOverApi(server.url, 'writer');
  box = syncMachine(server.url, token, cleanups, { retrier: false });
  writeFileSync(join(box.cwd, 'vlt.toml'), '[project]\nid = "handbook"\n');
  // Real text nobody here wrote: three copies of node_modules' markdown, the second and third with
  // a line of their own, so that every file is a text of its own.
  const sources = nodeModulesMarkdown();
  ['a', 'b', 'c'].forEach((copy, i) => {
    for (const path of sources) {
      const target = join(box.cwd, 'docs', copy, path);
      mkdirSync(join(target, '..'), { recursive: true });
      if (i === 0) cpSync(join(ROOT, 'node_modules', path), target);
      else
        writeFileSync(
          target,
          `<!-- copy ${copy} -->\n${readFileSync(join(ROOT, 'node_modules', path), 'utf8')}`,
        );
    }
  });
}, 120_000);

afterAll(async () => {
  await server.stop();
  for (const cleanup of cleanups) await cleanup();
  rmSync(data, { recursive: true, force: true });
});

describe('vlt notes sync against the real server', () => {
  it('syncs a real folder, then a second run uploads nothing, an edit one file, a rename moves, a deletion leaves search', async () => {
    // The upload of the whole folder, as a real process.
    const first = json(vltProcess(box, ['notes', 'sync', '--json']));
    expect(first.files).toBeGreaterThan(1000);
    expect(first.local.added).toHaveLength(first.files);
    expect(first.server.uploaded).toBe(first.files);
    // Every request under the 1 MiB body limit: more than one was needed.
    expect(first.server.requests).toBeGreaterThan(1);

    const again = json(await sync());
    expect(again.local).toMatchObject({ added: [], changed: [], moved: [], deleted: [] });
    expect([again.server.uploaded, again.server.uploadedBytes, again.server.requests]).toEqual([0, 0, 0]);
    const human = await vlt(box, ['notes', 'sync']);
    expect(human.stdout).toMatch(/server: nothing to upload \(0 bytes sent\)/);

    const api = apiFor(server.url, token);
    const edited = 'docs/a/express/Readme.md';
    writeFileSync(
      join(box.cwd, edited),
      `${readFileSync(join(box.cwd, edited), 'utf8')}\n## Zanzibar xylofrond\nA marker section.\n`,
    );
    const edit = json(await sync());
    expect(edit.local.changed).toEqual([edited]);
    expect([edit.server.uploaded, edit.server.requests]).toEqual([1, 1]);
    const found = await api.notes.search.query({ query: 'zanzibar xylofrond', projectId: 'handbook' });
    expect(found.results.map((r) => [r.path, r.heading])).toEqual([[edited, '## Zanzibar xylofrond']]);

    renameSync(join(box.cwd, edited), join(box.cwd, 'docs/a/express/Renamed.md'));
    const rename = json(await sync());
    expect(rename.local.moved).toEqual([{ from: edited, to: 'docs/a/express/Renamed.md' }]);
    expect(rename.server.moved).toEqual([{ from: edited, to: 'docs/a/express/Renamed.md' }]);
    expect(rename.server.uploaded).toBe(0);
    const moved = await api.notes.search.query({ query: 'zanzibar xylofrond', projectId: 'handbook' });
    expect(moved.results.map((r) => r.path)).toEqual(['docs/a/express/Renamed.md']);

    rmSync(join(box.cwd, 'docs/a/express/Renamed.md'));
    const removal = json(await sync());
    expect(removal.server.deleted).toEqual(['docs/a/express/Renamed.md']);
    expect((await api.notes.search.query({ query: 'zanzibar xylofrond' })).results).toEqual([]);
    // And locally: the vault's search agrees.
    const seek = await vlt(box, ['notes', 'seek', 'zanzibar xylofrond', '--json']);
    expect(JSON.parse(seek.stdout)).toEqual({ results: [] });
  }, 180_000);

  it('a folder whose manifest is over the request limit syncs in ranges of paths, a move across them included', async () => {
    // 3,200 notes at paths of about 250 characters: a manifest of about 1.15 MB, two ranges.
    const big = { ...box, cwd: join(box.base, 'big') };
    const dir = join(big.cwd, 'docs', 'd'.repeat(180));
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(big.cwd, 'vlt.toml'), '[project]\nid = "big"\n');
    const name = (i: number) => `${String(i).padStart(4, '0')}-${'n'.repeat(60)}.md`;
    for (let i = 0; i < 3200; i++) writeFileSync(join(dir, name(i)), `# Note ${i}\nmarker${i}word\n`);
    const bigSync = async () => json(await vlt(big, ['notes', 'sync', '--json']));
    const first = await bigSync();
    expect([first.files, first.server.uploaded, first.server.unchanged]).toEqual([3200, 3200, 0]);
    const again = await bigSync();
    expect([again.server.uploaded, again.server.unchanged, again.server.deleted]).toEqual([0, 3200, []]);

    // Note 5 (in the first range) renamed to sort last (in the second), note 3100 deleted.
    renameSync(join(dir, name(5)), join(dir, name(9999)));
    rmSync(join(dir, name(3100)));
    // A new note in the second range with the text of note 0, unchanged in the first: only the
    // new one is sent.
    writeFileSync(join(dir, name(9998)), readFileSync(join(dir, name(0))));
    const changed = await bigSync();
    const shown = (n: number) => `docs/${'d'.repeat(180)}/${name(n)}`;
    // The first range deletes note 5's old path; the second, which never held its text, asks for it.
    expect(changed.server.deleted.sort()).toEqual([shown(5), shown(3100)]);
    expect([changed.server.uploaded, changed.server.unchanged]).toEqual([2, 3198]);
    const api = apiFor(server.url, token);
    const found = await api.notes.search.query({ query: 'marker5word', projectId: 'big' });
    expect(found.results.map((r) => r.path)).toEqual([shown(9999)]);
    expect((await api.notes.search.query({ query: 'marker3100word', projectId: 'big' })).results).toEqual([]);
    const last = await bigSync();
    expect([last.server.uploaded, last.server.unchanged, last.server.deleted]).toEqual([0, 3200, []]);

    // A server older than ranges (no notes.manifestRange: NOT_FOUND, as tRPC answers an unknown
    // procedure): one line saying so, and no manifest sent that it could take for the whole folder.
    const old = new FakeServer();
    old.answer('notes.manifestRange', {
      error: { code: 'NOT_FOUND', message: 'No procedure found on path "notes.manifestRange"' },
    });
    await old.start();
    try {
      const refused = await vlt({ ...big, env: { ...big.env, VLT_SERVER_URL: old.url } }, ['notes', 'sync']);
      // The local index went first (stdout says so); the server's part is the one line.
      expect(refused.code).not.toBe(0);
      expect(refused.stderr.trimEnd().split('\n'), refused.stderr).toHaveLength(1);
      expect(refused.stderr).toMatch(
        /^vlt: .* takes a manifest of at most about 8,000 files and this folder has 3200: upgrade vlt-server, or sync a smaller folder/,
      );
      expect(old.calls.map((c) => c.path)).toEqual(['notes.manifestRange']);
    } finally {
      await old.stop();
    }
  }, 120_000);

  it('refuses an oversize, binary or non-UTF-8 file with one line, and sends and indexes nothing', async () => {
    const before = (await apiFor(server.url, token).notes.list.query({ projectId: 'handbook', limit: 1 }))
      .notes;
    const listBefore = (await vlt(box, ['notes', 'list', '--json'])).stdout;
    for (const [name, bytes, message] of [
      ['big.md', Buffer.alloc(1_000_001, 0x61), /big\.md is 1000001 bytes, over the limit of 1000000 bytes/],
      [
        'image.md',
        Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x00, 0x01]),
        /image\.md cannot be a note: it holds NUL bytes/,
      ],
      ['latin1.md', Buffer.from('caf\xe9\n', 'latin1'), /latin1\.md is not UTF-8 text/],
    ] as const) {
      writeFileSync(join(box.cwd, 'docs', name), bytes);
      writeFileSync(join(box.cwd, 'docs', 'new-alongside.md'), `# New ${name}\n`);
      const result = await vlt(box, ['notes', 'sync']);
      expect(isOneLineError(result), result.stderr).toBe(true);
      expect(result.stderr).toMatch(message);
      expect((await vlt(box, ['notes', 'list', '--json'])).stdout).toBe(listBefore);
      rmSync(join(box.cwd, 'docs', name));
    }
    rmSync(join(box.cwd, 'docs', 'new-alongside.md'));
    expect(
      (await apiFor(server.url, token).notes.list.query({ projectId: 'handbook', limit: 1 })).notes,
    ).toEqual(before);
  });

  it('vlt oracle (the server, not --local) cites a note as path:start-end (## Heading)', async () => {
    const note = join(box.cwd, 'docs', 'a', 'key-rotation.md');
    writeFileSync(
      note,
      `# Key rotation\n\n${'Why keys change, and who holds them between changes. '.repeat(20)}\n\n## Quokka schedule\n\nThe quokka signing keys rotate every seventeen days, at midnight UTC.\n`,
    );
    expect(json(await sync()).server.uploaded).toBeGreaterThanOrEqual(1);
    // Another machine with the same account and an empty vault: only the server knows the note.
    const other = syncMachine(server.url, token, cleanups, { retrier: false });
    const asked = await vlt(other, ['oracle', 'How often do the quokka signing keys rotate?']);
    expect(asked.code, asked.stderr).toBe(0);
    expect(asked.stdout).toMatch(
      /\[1\] docs\/a\/key-rotation\.md:\d+-\d+ \(## Quokka schedule\) {2}\(handbook: Key rotation\)/,
    );
    expect(asked.stdout).toMatch(/seventeen days/);
    expect(asked.stderr).not.toMatch(/local vault/);
    const answer = JSON.parse(
      (await vlt(other, ['oracle', 'How often do the quokka signing keys rotate?', '--json'])).stdout,
    ) as {
      mode: string;
      sources: { kind: string; path: string; heading: string; startLine: number; endLine: number }[];
    };
    expect(answer.mode).not.toBe('local');
    expect(answer.sources[0]).toMatchObject({
      kind: 'note',
      path: 'docs/a/key-rotation.md',
      heading: '## Quokka schedule',
    });
    const lines = readFileSync(note, 'utf8').split('\n');
    const cited = lines.slice(answer.sources[0]!.startLine - 1, answer.sources[0]!.endLine).join('\n');
    expect(cited).toMatch(/seventeen days/);
    // The same question on that machine's own vault finds nothing of the note.
    const local = await vlt(other, ['oracle', 'How often do the quokka signing keys rotate?', '--local']);
    expect(local.stdout).not.toMatch(/key-rotation/);
    rmSync(note);
    expect(json(await sync()).server.deleted).toEqual(['docs/a/key-rotation.md']);
  });

  it('reads again only the files whose size, times or inode changed since they were hashed', async () => {
    const repo = join(box.base, 'stat-repo');
    mkdirSync(join(repo, 'docs'), { recursive: true });
    writeFileSync(join(repo, 'vlt.toml'), '[project]\nid = "stat-check"\n');
    for (const name of ['a', 'b', 'c'])
      writeFileSync(join(repo, 'docs', `${name}.md`), `# ${name}\nfirst text\n`);
    const index = async () => {
      const result = await vlt({ ...box, cwd: repo }, ['notes', 'index', '--json']);
      expect(result.code, result.stderr).toBe(0);
      return JSON.parse(result.stdout) as { hashed: number; local: { changed: string[]; unchanged: number } };
    };
    // A file written in the second before it was hashed is read again next time ("racy", as in git).
    await new Promise((resolve) => setTimeout(resolve, 1100));
    expect((await index()).hashed).toBe(3);
    expect(await index()).toMatchObject({ hashed: 0, local: { changed: [], unchanged: 3 } });
    // The same size, the old modification time put back: the change time and the text tell.
    const b = join(repo, 'docs', 'b.md');
    const { mtime } = statSync(b);
    writeFileSync(b, '# b\nfirst TEXT\n');
    utimesSync(b, mtime, mtime);
    expect(await index()).toMatchObject({ hashed: 1, local: { changed: ['docs/b.md'], unchanged: 2 } });
    // A file replaced by another of the same size and times (a new inode) is read again too.
    const c = join(repo, 'docs', 'c.md');
    const before = statSync(c);
    writeFileSync(`${c}.new`, '# c\nfirst tExt\n');
    utimesSync(`${c}.new`, before.atime, before.mtime);
    renameSync(`${c}.new`, c);
    expect(await index()).toMatchObject({ local: { changed: ['docs/c.md'] } });
  });

  it('refuses a notes folder outside the repository, from the project file or the command line', async () => {
    const outside = join(box.base, 'elsewhere');
    mkdirSync(outside, { recursive: true });
    const repo = join(box.base, 'repo');
    mkdirSync(join(repo, 'docs'), { recursive: true });
    for (const [toml, message] of [
      [
        '[project]\nid = "x"\n[notes]\ndir = "../elsewhere"\n',
        /\[notes\] dir '\.\.\/elsewhere' must be a folder inside the repository/,
      ],
      [`[project]\nid = "x"\n[notes]\ndir = "${outside}"\n`, /must be a folder inside the repository/],
      ['[project]\nid = "x"\n[notes]\nfolder = "docs"\n', /\[notes\] has no key 'folder'/],
      ['[project]\nid = "x"\n[notes]\nexclude = "drafts"\n', /\[notes\] exclude must be a list/],
    ] as const) {
      writeFileSync(join(repo, 'vlt.toml'), toml);
      const result = await vlt({ ...box, cwd: repo }, ['notes', 'index']);
      expect(isOneLineError(result), result.stderr).toBe(true);
      expect(result.stderr).toMatch(message);
    }
    writeFileSync(join(repo, 'vlt.toml'), '[project]\nid = "x"\n');
    const result = await vlt({ ...box, cwd: repo }, ['notes', 'index', '../elsewhere']);
    expect(isOneLineError(result), result.stderr).toBe(true);
    expect(result.stderr).toMatch(/outside the repository/);
  });
});
