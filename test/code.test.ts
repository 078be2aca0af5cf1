// `vlt code` with the real `vlt` process on a real repository (a copy of this one's src/): index,
// an index that changes nothing, one edit; `seek`, `def` and the Oracle citing code next to a
// thread; then what a repository may hold (binaries, links in a loop, non-UTF-8, minified and
// unreadable files, more files than the limit) and what a project file may say, each met with
// one line, and an index killed half-way leaving the vault as it was.
import Database from 'better-sqlite3';
import { chmodSync, cpSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isOneLineError, sandbox, vlt, vltAsync, vltInProcess, type Sandbox } from './helpers.js';
import { ROOT } from './net-helpers.js';

let box: Sandbox;
let repo: string;

interface IndexJson {
  files: number;
  hashed: number;
  dryRun: boolean;
  skipped: { path: string; reason: string }[];
  local: { added: string[]; changed: string[]; deleted: string[]; unchanged: number; chunks: number };
}

const index = (cwd: string, ...args: string[]) => {
  const result = vlt({ ...box, cwd }, ['code', 'index', '--json', ...args]);
  expect(result.code, result.stderr).toBe(0);
  return JSON.parse(result.stdout) as IndexJson;
};

beforeAll(async () => {
  box = sandbox();
  repo = join(box.base, 'repo');
  mkdirSync(repo);
  writeFileSync(
    join(repo, 'vlt.toml'),
    '[project]\nid = "app"\n[code]\nexclude = ["src/web/"]\nurl = "https://git.example.com/org/app/blob/main/"\n',
  );
  cpSync(join(ROOT, 'src'), join(repo, 'src'), { recursive: true });
  writeFileSync(join(repo, '.gitignore'), 'generated/\n');
  mkdirSync(join(repo, 'generated'));
  writeFileSync(join(repo, 'generated', 'big.ts'), 'export const x = 1;\n');
  // Files written in the second before they are hashed are read again next time ("racy", as in git).
  await new Promise((resolve) => setTimeout(resolve, 1100));
});

afterAll(() => box.cleanup());

describe('vlt code', () => {
  it('indexes a repository, then only what changed', async () => {
    const first = index(repo);
    expect(first.files).toBeGreaterThan(100);
    expect(first.local.added).toContain('src/cli/sync/retrier.ts');
    expect(first.local.added.some((p) => p.startsWith('src/web/'))).toBe(false);
    expect(first.local.added.some((p) => p.startsWith('generated/'))).toBe(false);
    expect(first.local.chunks).toBeGreaterThan(first.files);

    const again = index(repo);
    expect(again).toMatchObject({ hashed: 0, local: { added: [], changed: [], deleted: [] } });
    expect(again.local.unchanged).toBe(first.files);

    const retrier = join(repo, 'src/cli/sync/retrier.ts');
    writeFileSync(retrier, `${readFileSync(retrier, 'utf8')}\nexport const quokkaPatience = 3;\n`);
    const dry = index(repo, '--dry-run');
    expect(dry).toMatchObject({ dryRun: true, local: { changed: ['src/cli/sync/retrier.ts'] } });
    expect(index(repo).local).toMatchObject({ changed: ['src/cli/sync/retrier.ts'], added: [], deleted: [] });

    const human = vlt({ ...box, cwd: repo }, ['code', 'index']);
    expect(human.code, human.stderr).toBe(0);
    expect(human.stdout).toMatch(/^code: \d+ files in \.\/ \(project app\)/);
    expect(human.stdout).toMatch(/indexed: nothing changed \(\d+ unchanged\)/);
  });

  it('finds code by words and definitions by name, cited as path:lines (symbol)', () => {
    const seek = vlt({ ...box, cwd: repo }, ['code', 'seek', 'retrier lock', '--json']);
    expect(seek.code, seek.stderr).toBe(0);
    const results = (JSON.parse(seek.stdout) as { results: { path: string; symbol: string }[] }).results;
    expect(results.slice(0, 3).every((r) => r.path === 'src/cli/sync/retrier.ts')).toBe(true);
    expect(results.slice(0, 3).map((r) => r.symbol)).toContain('takeRetrierLock');
    // Identifiers are split: "patience" finds quokkaPatience.
    const split = vlt({ ...box, cwd: repo }, ['code', 'seek', 'quokka patience']);
    expect(split.stdout).toMatch(/^src\/cli\/sync\/retrier\.ts:\d+ \(quokkaPatience\)/);

    const def = vlt({ ...box, cwd: repo }, ['code', 'def', 'takeRetrierLock']);
    expect(def.code, def.stderr).toBe(0);
    const lines = readFileSync(join(repo, 'src/cli/sync/retrier.ts'), 'utf8').split('\n');
    const [, start, end] =
      /^src\/cli\/sync\/retrier\.ts:(\d+)-(\d+) \(takeRetrierLock\) {2}function {2}app {2}export function takeRetrierLock\(/.exec(
        def.stdout,
      )!;
    expect(lines.slice(Number(start) - 1, Number(end)).join('\n')).toMatch(
      /export function takeRetrierLock[\s\S]*\n}$/,
    );
    const method = vlt({ ...box, cwd: repo }, ['code', 'def', 'VaultNotes.seek', '--json']);
    const found = JSON.parse(method.stdout) as { definitions: { startLine: number; endLine: number }[] };
    expect(found).toMatchObject({
      definitions: [
        { path: 'src/cli/vault/notes.ts', symbol: 'seek', container: 'VaultNotes', kind: 'method' },
      ],
    });
    // [code] url: each result links to its lines on the repository's host.
    const { startLine, endLine } = found.definitions[0]!;
    expect(found.definitions[0]).toMatchObject({
      url: `https://git.example.com/org/app/blob/main/src/cli/vault/notes.ts#L${startLine}-L${endLine}`,
    });
    // As C++, Rust and PHP name a member.
    const colons = vlt({ ...box, cwd: repo }, ['code', 'def', 'VaultNotes::seek', '--json']);
    expect(JSON.parse(colons.stdout)).toMatchObject({
      definitions: [{ symbol: 'seek', container: 'VaultNotes' }],
    });
    // tag: filters entries; a code search of nothing else is one line, not an internal error.
    const tagOnly = vlt({ ...box, cwd: repo }, ['code', 'seek', 'tag:decision']);
    expect(isOneLineError(tagOnly), tagOnly.stderr).toBe(true);
    expect(tagOnly.stderr).toMatch(/no words to look for/);
    const missing = vlt({ ...box, cwd: repo }, ['code', 'def', 'noSuchThingAnywhere']);
    expect(missing.code).toBe(1);
    expect(missing.stderr.trim().split('\n')).toHaveLength(1);
    expect(isOneLineError(vlt({ ...box, cwd: repo }, ['code', 'def', 'rm -rf /']))).toBe(true);
  });

  it('the Oracle cites the thread and the code that answer a question together, quoting the code', () => {
    const made = vlt({ ...box, cwd: repo }, [
      'thread',
      'new',
      'retrier-design',
      'Decided: the background retrier gives up after an hour, so that a dead server never keeps a process alive for ever.',
      '--no-sync',
    ]);
    expect(made.code, made.stderr).toBe(0);
    const asked = vlt({ ...box, cwd: repo }, [
      'oracle',
      'why does the background retrier give up after an hour?',
      '--local',
      '--json',
    ]);
    expect(asked.code, asked.stderr).toBe(0);
    const answer = JSON.parse(asked.stdout) as {
      answer: string;
      sources: {
        kind: string;
        path?: string;
        symbol?: string;
        language?: string;
        startLine?: number;
        endLine?: number;
        thread?: string;
      }[];
    };
    expect(answer.sources.some((s) => s.kind === 'entry' && s.thread === 'retrier-design')).toBe(true);
    const code = answer.sources.find((s) => s.kind === 'code' && s.path === 'src/cli/sync/retrier.ts');
    expect(code).toMatchObject({ language: 'typescript' });
    expect(code!.startLine).toBeLessThanOrEqual(code!.endLine!);
    expect(answer.answer).toMatch(/```typescript\n[\s\S]+\n```/);
    const human = vlt({ ...box, cwd: repo }, [
      'oracle',
      'why does the background retrier give up after an hour?',
      '--local',
    ]);
    expect(human.stdout).toMatch(
      /\[\d\] src\/cli\/sync\/retrier\.ts:\d+(-\d+)? \(\w+\) {2}\(app: typescript\)/,
    );
    expect(human.stdout).toMatch(/\[\d\] app\/retrier-design#0/);
  });

  it('skips what is not source code, each with its reason, in bounded time', () => {
    const bad = join(box.base, 'bad');
    mkdirSync(join(bad, 'loop'), { recursive: true });
    writeFileSync(join(bad, 'vlt.toml'), '[project]\nid = "bad"\n');
    writeFileSync(join(bad, 'ok.py'), 'def fine():\n    return 1\n');
    writeFileSync(join(bad, 'binary.ts'), Buffer.from([0x63, 0x6f, 0, 0, 0xff, 0x00]));
    writeFileSync(join(bad, 'latin1.py'), Buffer.from('# caf\xe9\nx = 1\n', 'latin1'));
    writeFileSync(join(bad, 'app.min.js'), 'x'.repeat(100));
    writeFileSync(join(bad, 'yarn.lock'), '# yarn lockfile v1\n');
    writeFileSync(join(bad, 'bundle.js'), `var a=${'1+'.repeat(60_000)}1;`);
    writeFileSync(join(bad, 'dump.js'), `// ${'y'.repeat(2_000_000)}\n`);
    writeFileSync(join(bad, 'secret.go'), 'package secret\n');
    chmodSync(join(bad, 'secret.go'), 0o000);
    symlinkSync(join(bad, 'loop', 'b'), join(bad, 'loop', 'a'));
    symlinkSync(join(bad, 'loop', 'a'), join(bad, 'loop', 'b'));
    symlinkSync(bad, join(bad, 'loop', 'up'));
    const started = Date.now();
    const result = index(bad);
    expect(Date.now() - started).toBeLessThan(15_000);
    expect(result.local.added.filter((p) => !['secret.go', 'vlt.toml'].includes(p))).toEqual(['ok.py']);
    const reasons = Object.fromEntries(result.skipped.map((s) => [s.path, s.reason]));
    expect(reasons).toMatchObject({
      'binary.ts': 'binary (NUL bytes)',
      'latin1.py': 'not UTF-8 text',
      'bundle.js': 'minified or generated (very long lines)',
      'dump.js': 'over 500000 bytes',
      'app.min.js': 'minified or generated (by its name)',
      'yarn.lock': 'lockfile',
    });
    // Root reads any file: the unreadable one is skipped only where permissions hold.
    if (process.getuid?.() !== 0) expect(reasons['secret.go']).toMatch(/^unreadable \(EACCES\)/);

    const human = vlt({ ...box, cwd: bad }, ['code', 'index']);
    expect(human.code).toBe(0);
    for (const line of human.stderr.trim().split('\n').filter(Boolean))
      expect(line).toMatch(/^vlt: skipped \S+: (not UTF-8 text|unreadable \(\w+\))$/);
    expect(human.stdout).toMatch(/skipped .*1 binary \(NUL bytes\)/);
    expect(human.stdout).toMatch(/skipped .*1 lockfile/);
    // A dry run with no login says the server was not asked, and changes nothing.
    const dry = vlt({ ...box, cwd: bad }, ['code', 'sync', '--dry-run']);
    expect(dry.code).toBe(1);
    expect(dry.stdout.split('\n')[1]).toMatch(/^local \(would index\): nothing changed \(\d+ unchanged\)$/);
    expect(dry.stderr.trimEnd().split('\n').at(-1)).toMatch(
      /^vlt: the server was not asked what it lacks: not logged in to \S+: run `vlt auth login --server \S+`$/,
    );
  });

  it('refuses a repository of more files than the limit, and project files that say too much, with one line', async () => {
    const many = join(box.base, 'many');
    mkdirSync(join(many, 'src'), { recursive: true });
    writeFileSync(join(many, 'vlt.toml'), '[project]\nid = "many"\n');
    for (let i = 0; i <= 20_000; i++) writeFileSync(join(many, 'src', `f${i}.ts`), '');
    const started = Date.now();
    const tooMany = vlt({ ...box, cwd: many }, ['code', 'index']);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(isOneLineError(tooMany), tooMany.stderr).toBe(true);
    expect(tooMany.stderr).toMatch(/more than 20000 source files: index a smaller folder/);
    // Files left out by their names are listed, not counted against the limit.
    for (let i = 0; i < 20; i++) rmSync(join(many, 'src', `f${i}.ts`));
    for (let i = 0; i < 50; i++) writeFileSync(join(many, 'src', `x${i}.min.js`), '');
    const named = vlt({ ...box, cwd: many }, ['code', 'index', '--dry-run', '--json']);
    expect(named.code, named.stderr).toBe(0);
    const listed = JSON.parse(named.stdout) as IndexJson;
    expect([listed.files, listed.skipped.length]).toEqual([20_001 - 20 + 1, 50]);

    const odd = join(box.base, 'odd');
    mkdirSync(odd);
    let made = 0;
    for (const [toml, message] of [
      ['[code]\nfolder = "src"\n', /\[code\] has no key 'folder'/],
      ['[code]\nexclude = "vendor"\n', /\[code\] exclude must be a list/],
      ['[code]\nurl = "javascript:alert(1)"\n', /\[code\] url .* must be an http\(s\) address/],
      ['[code]\nurl = "https://user:pw@example.com/x"\n', /must be an http\(s\) address/],
      ['[code]\nurl = "https://example.com/blob/main\\u202e"\n', /must be an http\(s\) address/],
    ] as const) {
      writeFileSync(join(odd, 'vlt.toml'), `[project]\nid = "odd"\n${toml}`);
      const result = vlt({ ...box, cwd: odd }, ['code', 'index']);
      expect(isOneLineError(result), result.stderr).toBe(true);
      expect(result.stderr).toMatch(message);
      // Only the code commands read [code]: threads are still recorded in such a repository (the
      // CLI in this process: what is checked is that the thread commands go on, not the process).
      const thread = await vltInProcess({ ...box, cwd: odd }, [
        'thread',
        'new',
        `notes-${++made}`,
        'still recorded',
        '--no-sync',
      ]);
      expect(thread.code, thread.stderr).toBe(0);
      expect((await vltInProcess({ ...box, cwd: odd }, ['thread', 'list', '--json'])).code).toBe(0);
    }
    writeFileSync(join(odd, 'vlt.toml'), '[project]\nid = "odd"\n');
    const outside = vlt({ ...box, cwd: odd }, ['code', 'index', '..']);
    expect(isOneLineError(outside), outside.stderr).toBe(true);
    expect(outside.stderr).toMatch(/outside the repository/);
  });

  it('leaves the vault as it was when an index is killed half-way', async () => {
    const big = join(box.base, 'big');
    mkdirSync(big);
    writeFileSync(join(big, 'vlt.toml'), '[project]\nid = "big"\n');
    for (const copy of ['a', 'b', 'c']) cpSync(join(ROOT, 'src'), join(big, copy), { recursive: true });
    const run = vltAsync({ ...box, cwd: big }, ['code', 'index']);
    await new Promise((resolve) => setTimeout(resolve, 700));
    run.child.kill('SIGKILL');
    const killed = await run.done;
    expect(killed.signal).toBe('SIGKILL');
    // Killed while parsing (three copies of src/ take seconds): nothing was printed as indexed.
    expect(killed.stdout).not.toMatch(/indexed:/);
    const db = new Database(join(box.home, 'vault.db'), { readonly: true });
    const files = (
      db.prepare("SELECT count(*) AS n FROM code_files WHERE project_id = 'big'").get() as { n: number }
    ).n;
    const chunks = (
      db
        .prepare(
          "SELECT count(*) AS n FROM code_chunks c JOIN code_files f ON f.pk = c.file_pk WHERE f.project_id = 'big'",
        )
        .get() as { n: number }
    ).n;
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    db.close();
    expect({ files, chunks }).toEqual({ files: 0, chunks: 0 });
    // And the next index does all of it.
    const whole = index(big);
    expect(whole.local.added.length).toBe(whole.files);
  });
});
