// The real `vlt` bundle as child processes: the acceptance flow, concurrency, SIGKILL, bad input.
// Each test's checks run `vlt` processes; the vaults they start from are made with the CLI's
// commands in this process (`here`), which saves a Node start (about 0.4 s) a command.
import Database from 'better-sqlite3';
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isOneLineError, sandbox, VLT_BIN, vlt, vltAsync, vltInProcess, type Sandbox } from './helpers.js';
import { seeded } from './seeded.js';

let box: Sandbox;
beforeEach(() => {
  box = sandbox();
});
afterEach(() => box.cleanup());

const ok = (result: { code: number; stderr: string }) => {
  expect(result.stderr).toBe('');
  expect(result.code).toBe(0);
};

/** Setup: a `vlt` command in this process (the same commands and vault, no Node start). */
const here = (where: Pick<Sandbox, 'cwd' | 'env'>, args: string[]) => vltInProcess(where, args);

function readAll(thread: string) {
  const result = vlt(box, ['thread', 'read', thread, '--all', '--json']);
  ok(result);
  return JSON.parse(result.stdout) as { entries: { seq: number; content: string; id: string }[] };
}

describe('vlt as a process', () => {
  it('init, thread new, three pushes and read --all --json give sequences 0-3 in order', () => {
    ok(vlt(box, ['init', '--project', 'My App']));
    const created = vlt(box, ['thread', 'new', 'auth-refactor', 'Goal: JWT']);
    ok(created);
    expect(created.stdout).toMatch(/^CREATED: my-app\/auth-refactor\nqueued: .+\n$/);
    for (const n of [1, 2, 3]) {
      const pushed = vlt(box, ['thread', 'push', 'auth-refactor', `finding ${n}`]);
      ok(pushed);
      expect(pushed.stdout.split('\n')[0]).toBe(`OK: auth-refactor/${n}`);
    }
    const read = readAll('auth-refactor');
    expect(read).toMatchObject({ project: 'my-app', thread: 'auth-refactor', status: 'active' });
    expect(read.entries.map((e) => [e.seq, e.content])).toEqual([
      [0, 'Goal: JWT'],
      [1, 'finding 1'],
      [2, 'finding 2'],
      [3, 'finding 3'],
    ]);
  });

  // 100 pushes started at once on one thread: the stress suite's first test (`npm run test:stress`,
  // in CI) runs them against a live server and checks all this test checked (every push exit 0
  // with nothing on stderr, numbered 1 to 100, the thread exactly 0..100 once each), and the server.

  it('a push killed with SIGKILL at any moment leaves a valid vault holding every acknowledged entry', async () => {
    ok(await here(box, ['init', '--project', 'kill']));
    ok(await here(box, ['thread', 'new', 'victim', 'entry zero']));
    const acknowledged: { seq: number; content: string }[] = [];
    let killedBeforeOk = 0;
    // Kill moments from a seed (printed on failure): the first push of a round at once (before it
    // can print OK), the last not at all, the others anywhere in the first 250 ms.
    const { between, describe: repeat } = seeded('VLT_TEST_SEED', 20261130);
    for (let round = 0; round < 8; round++) {
      const batch = Array.from({ length: 5 }, (_, i) => {
        const content = `round ${round} push ${i}`;
        const run = vltAsync(box, ['thread', 'push', 'victim', content, '--no-sync']);
        if (i < 4) {
          const delay = i === 0 ? 0 : between(0, 250);
          setTimeout(() => run.child.kill('SIGKILL'), delay);
        }
        return { run, content };
      });
      for (const { run, content } of batch) {
        const result = await run.done;
        const match = /^OK: victim\/(\d+)$/m.exec(result.stdout);
        if (match) acknowledged.push({ seq: Number(match[1]), content });
        else killedBeforeOk++;
      }
    }
    // Both outcomes occurred: pushes killed before they answered, and pushes acknowledged.
    expect(killedBeforeOk, repeat()).toBeGreaterThanOrEqual(8);
    expect(acknowledged.length, repeat()).toBeGreaterThanOrEqual(8);
    const db = new Database(join(box.home, 'vault.db'));
    expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
    expect(db.prepare("SELECT count(*) AS n FROM entries_fts WHERE entries_fts MATCH 'round'").get()).toEqual(
      db.prepare("SELECT count(*) AS n FROM entries WHERE content LIKE 'round %'").get(),
    );
    db.close();
    const stored = new Map(readAll('victim').entries.map((e) => [e.content, e.seq]));
    for (const entry of acknowledged) expect(stored.get(entry.content)).toBe(entry.seq);
    const seqs = [...stored.values()].sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => i));
  });
});

describe('bad input', () => {
  /** A fingerprint of everything under VLT_HOME and the project, to prove nothing was written. */
  function snapshot(): string {
    const hash = createHash('sha256');
    for (const dir of [box.home, box.cwd]) {
      if (!existsSync(dir)) continue;
      for (const name of readdirSync(dir).sort()) {
        const path = join(dir, name);
        hash.update(name);
        try {
          hash.update(readFileSync(path));
        } catch {
          hash.update('<dir>');
        }
      }
    }
    return hash.digest('hex');
  }

  function entryCount(where: Sandbox): number {
    const db = new Database(join(where.home, 'vault.db'), { readonly: true });
    const { n } = db.prepare('SELECT count(*) AS n FROM entries').get() as { n: number };
    db.close();
    return n;
  }

  const cases: [string, string[], string | Buffer | undefined, RegExp][] = [
    ['unknown thread', ['thread', 'push', 'nope', 'x'], undefined, /no thread 'app\/nope'.*vlt thread new/],
    ['unknown thread (read)', ['thread', 'read', 'nope'], undefined, /no thread 'app\/nope'/],
    ['invalid slug', ['thread', 'new', 'Bad Name', 'x'], undefined, /invalid thread name 'Bad Name'/],
    ['invalid project', ['thread', 'push', 'Bad!/auth', 'x'], undefined, /invalid project id 'Bad!'/],
    ['empty content', ['thread', 'push', 'auth', ''], undefined, /entry content is empty/],
    ['blank stdin', ['thread', 'push', 'auth', '-'], '  \n', /entry content is empty/],
    [
      'content over the limit',
      ['thread', 'push', 'auth', 'x'.repeat(100_001)],
      undefined,
      /100001 bytes, over the limit of 100000/,
    ],
    [
      'stdin over the limit',
      ['thread', 'push', 'auth', '-'],
      'é'.repeat(60_000),
      /120000 bytes, over the limit/,
    ],
    [
      'stdin not UTF-8',
      ['thread', 'push', 'auth', '-'],
      Buffer.from([0x66, 0xff, 0xfe, 0x67]),
      /not valid UTF-8/,
    ],
    ['bad status', ['thread', 'status', 'auth', 'done'], undefined, /use one of active, archived, blocked/],
    [
      'bad limit',
      ['thread', 'seek', 'x', '--limit', '0'],
      undefined,
      /--limit must be a whole number from 1 to 100/,
    ],
    ['bad tag', ['thread', 'tag', 'auth#0', 'two words'], undefined, /invalid tag/],
    ['unknown entry', ['thread', 'tag', 'auth#9', 'x'], undefined, /no entry auth#9/],
    ['bad author', ['thread', 'push', 'auth', 'x', '--author', ''], undefined, /invalid author/],
  ];

  describe('refused commands', () => {
    // One vault for every case (two `vlt` starts, not two a case): each proves it wrote nothing to
    // it, and the vault ends with its one entry.
    let shared: Sandbox;
    beforeAll(async () => {
      shared = sandbox();
      ok(await here(shared, ['init', '--project', 'app']));
      ok(await here(shared, ['thread', 'new', 'auth', 'first']));
    });
    afterAll(() => {
      expect(entryCount(shared)).toBe(1);
      shared.cleanup();
    });

    it.each(cases)(
      '%s: one line on stderr, non-zero exit, nothing written',
      (_name, args, input, message) => {
        const before = entryCount(shared);
        expect(before).toBe(1);
        const result = vlt(shared, args, input);
        expect(isOneLineError(result), result.stderr).toBe(true);
        expect(result.stderr).toMatch(message);
        expect(entryCount(shared)).toBe(before);
      },
    );
  });

  describe('project and settings files', () => {
    beforeEach(async () => {
      ok(await here(box, ['init', '--project', 'app']));
      ok(await here(box, ['thread', 'new', 'auth', 'first']));
    });

    it('a malformed or unreadable vlt.toml is named, and nothing is written', () => {
      const sub = join(box.cwd, 'sub');
      mkdirSync(join(sub, 'vlt.toml'), { recursive: true });
      writeFileSync(join(box.cwd, 'vlt.toml'), '[project\nid = "app"');
      const before = snapshot();
      const malformed = vlt(box, ['thread', 'push', 'auth', 'x']);
      expect(isOneLineError(malformed)).toBe(true);
      expect(malformed.stderr).toMatch(/vlt\.toml is not valid TOML \(line 1: .*\): fix it or remove it/);
      writeFileSync(join(box.cwd, 'vlt.toml'), '[project]\nid = "Not A Slug"\n');
      expect(vlt(box, ['thread', 'push', 'auth', 'x']).stderr).toMatch(
        /vlt\.toml: invalid project id 'Not A Slug'/,
      );
      writeFileSync(join(box.cwd, 'vlt.toml'), 'project = 3\n');
      expect(vlt(box, ['thread', 'push', 'auth', 'x']).stderr).toMatch(/\[project\] must be a table/);
      const unreadable = vlt({ ...box, cwd: sub }, ['thread', 'push', 'auth', 'x']);
      expect(isOneLineError(unreadable)).toBe(true);
      expect(unreadable.stderr).toMatch(/cannot read project file .*vlt\.toml \(EISDIR\)/);
      writeFileSync(join(box.cwd, 'vlt.toml'), '[project\nid = "app"');
      expect(snapshot()).toBe(before);
    });

    it('a malformed config.toml is named, and nothing is written', () => {
      writeFileSync(join(box.home, 'config.toml'), 'author = "unterminated\n');
      const before = snapshot();
      for (const args of [
        ['thread', 'push', 'auth', 'x'],
        ['config', 'list'],
        ['config', 'set', 'author', 'me'],
      ]) {
        const result = vlt(box, args);
        expect(isOneLineError(result), `${args.join(' ')}: ${result.stderr}`).toBe(true);
        expect(result.stderr).toMatch(/config\.toml is not valid TOML/);
      }
      writeFileSync(join(box.home, 'config.toml'), 'author = 42\n');
      expect(vlt(box, ['thread', 'push', 'auth', 'x']).stderr).toMatch(
        /config\.toml: author must be a string/,
      );
      writeFileSync(join(box.home, 'config.toml'), 'author = "unterminated\n');
      expect(snapshot()).toBe(before);
    });
  });

  it('a vault file that is not SQLite is named and left as it was', () => {
    const fresh = sandbox();
    try {
      mkdirSync(fresh.home);
      const junk = Buffer.from('not a database, just some bytes '.repeat(200));
      writeFileSync(join(fresh.home, 'vault.db'), junk);
      for (const args of [
        ['thread', 'new', 'app/auth', 'x'],
        ['thread', 'list', '--all'],
        ['thread', 'seek', 'x'],
      ]) {
        const result = vlt(fresh, args);
        expect(isOneLineError(result), `${args.join(' ')}: ${result.stderr}`).toBe(true);
        expect(result.stderr).toMatch(/vault\.db is not a vlt vault \(SQLITE_NOTADB\): move it away/);
      }
      expect(readFileSync(join(fresh.home, 'vault.db')).equals(junk)).toBe(true);
    } finally {
      fresh.cleanup();
    }
  });

  it('read-only commands on a fresh VLT_HOME leave no vault behind', () => {
    const fresh = sandbox();
    try {
      expect(vlt(fresh, ['thread', 'list', '--all']).code).toBe(0);
      expect(vlt(fresh, ['thread', 'seek', 'anything']).code).toBe(0);
      expect(isOneLineError(vlt(fresh, ['thread', 'read', 'app/auth']))).toBe(true);
      expect(existsSync(join(fresh.home, 'vault.db'))).toBe(false);
    } finally {
      fresh.cleanup();
    }
  });
});

describe('text that would act on a terminal', () => {
  // eslint-disable-next-line no-control-regex
  const RAW_CONTROLS = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;
  const content =
    'title\u001b]0;pwned\u0007 clip\u001b]52;c;ZWNobyBoaQ==\u0007\rfake line\u202eevil\u009b31m\nsecond line\twith a tab';
  const author = '\u001b[31mred';

  beforeEach(async () => {
    ok(await here(box, ['init', '--project', 'app']));
    // A real process: the controls pass through its arguments (--json reads them back below).
    ok(vlt(box, ['thread', 'new', 'notes', content, '--no-sync']));
    // vlt refuses such an author now; a vault written before, or by hand, may hold one.
    const db = new Database(join(box.home, 'vault.db'));
    db.prepare('UPDATE entries SET author = ?').run(author);
    db.close();
  });

  it('is shown escaped by read, seek and the local Oracle, even piped; --json keeps it as it is', () => {
    const read = vlt(box, ['thread', 'read', 'notes']);
    ok(read);
    expect(read.stdout).not.toMatch(RAW_CONTROLS);
    const [first, second] = read.stdout.split('\n');
    expect(first).toMatch(
      /^0 {2}\S+ \S+ {2}\[\\x1b\[31mred\] {2}title\\x1b\]0;pwned\\x07 clip\\x1b\]52;c;ZWNobyBoaQ==\\x07\\x0dfake line\\u202eevil\\x9b31m$/,
    );
    // Newlines and tabs inside content stay: the continuation line is indented under the content.
    expect(second).toMatch(/^ +second line\twith a tab$/);
    expect(second!.indexOf('second')).toBe(first!.indexOf('title'));
    const searched = vlt(box, ['thread', 'read', 'notes', '--search', 'pwned']);
    ok(searched);
    expect(searched.stdout).not.toMatch(RAW_CONTROLS);
    expect(searched.stdout).toContain('\\x1b]0;**pwned**\\x07');
    const sought = vlt(box, ['thread', 'seek', 'pwned']);
    ok(sought);
    expect(sought.stdout).not.toMatch(RAW_CONTROLS);
    expect(sought.stdout).toMatch(/^app\/notes#0 {2}\d+\.\d\d {2}\[\\x1b\[31mred\]\n/);
    const asked = vlt(box, ['oracle', 'what about pwned title?', '--local']);
    expect(asked.code).toBe(0);
    expect(asked.stdout).not.toMatch(RAW_CONTROLS);
    expect(asked.stdout).toContain('(\\x1b[31mred, ');
    const faithful = JSON.parse(vlt(box, ['thread', 'read', 'notes', '--json']).stdout) as {
      entries: { content: string; author: string }[];
    };
    expect(faithful.entries[0]).toMatchObject({ content, author });
  });
});

describe('a token typed on a terminal', () => {
  const hasScript = spawnSync('script', ['-qec', 'true', '/dev/null']).status === 0;

  it.runIf(hasScript)('is asked for, not echoed, and stored for the server in force', async () => {
    // `script` gives vlt a terminal; the token is typed once the prompt is there.
    const child = spawn(
      'script',
      ['-qec', `"${process.execPath}" "${VLT_BIN}" config set sync.token -`, '/dev/null'],
      {
        cwd: box.cwd,
        env: box.env,
      },
    );
    let shown = '';
    let typed = false;
    child.stdout.on('data', (chunk: Buffer) => {
      shown += chunk.toString();
      if (!typed && shown.includes('Token: ')) {
        typed = true;
        child.stdin.write('typed-token-4567\r');
      }
    });
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(shown).toContain('SET: sync.token = type…4567 (for http://localhost:8000)');
    expect(shown).not.toContain('typed-token-4567');
    expect(readFileSync(join(box.home, 'config.toml'), 'utf8')).toContain(
      '"http://localhost:8000" = "typed-token-4567"',
    );
  });
});

describe('entries named as printed, short flags, errors as JSON', () => {
  it('takes an entry as OK: names it, or by id; reads the last N; -a, -p and -n', async () => {
    ok(vlt(box, ['init', '-p', 'my-app']));
    ok(await here(box, ['thread', 'new', 'auth-refactor', 'goal: JWT', '--no-sync']));
    ok(await here(box, ['thread', 'new', 'infra', 'secrets live in vault', '--no-sync']));
    const pushed = vlt(box, ['thread', 'push', 'auth-refactor', 'decided JWT', '--no-sync']);
    ok(pushed);
    const okLine = pushed.stdout.split('\n')[0]!;
    expect(okLine).toBe('OK: auth-refactor/1');
    const tag = (ref: string, name: string, cwd = box.cwd) =>
      vlt({ ...box, cwd }, ['thread', 'tag', ref, name]);
    expect(tag(okLine.slice('OK: '.length), 'decision').stdout.split('\n')[0]).toBe(
      'TAGGED: my-app/auth-refactor/1 #decision',
    );
    expect(tag('auth-refactor/1', 'jwt').stdout.split('\n')[0]).toBe('TAGGED: my-app/auth-refactor/1 #jwt');
    expect(tag('auth-refactor#1', 'jwt').stdout).toBe('already tagged: my-app/auth-refactor/1 #jwt\n');
    const id = readAll('auth-refactor').entries[1]!.id;
    expect(tag(id.slice(0, 30), 'by-prefix').stdout.split('\n')[0]).toBe(
      'TAGGED: my-app/auth-refactor/1 #by-prefix',
    );
    expect(
      vlt(box, ['thread', 'link', 'auth-refactor/1', 'infra', '--note', 'keys']).stdout.split('\n')[0],
    ).toBe('LINKED: my-app/auth-refactor/1 → my-app/infra');
    // Outside the project, the full name works and the short one says what to write.
    const outside = box.base;
    expect(tag('my-app/auth-refactor/1', 'outside', outside).stdout.split('\n')[0]).toBe(
      'TAGGED: my-app/auth-refactor/1 #outside',
    );
    const noProject = tag('auth-refactor/1', 'x', outside);
    expect(isOneLineError(noProject)).toBe(true);
    expect(noProject.stderr).toBe(
      "vlt: no project for 'auth-refactor/1': write it as project/thread/seq, or run `vlt init`\n",
    );
    const read = JSON.parse(vlt(box, ['thread', 'read', 'auth-refactor', '-a', '--json']).stdout) as {
      entries: { seq: number; tags: string[] }[];
    };
    expect(read.entries.map((e) => [e.seq, [...e.tags].sort()])).toEqual([
      [0, []],
      [1, ['by-prefix', 'decision', 'jwt', 'outside']],
    ]);
    for (const [ref, code, line] of [
      ['auth-refactor/7', 1, 'vlt: no entry auth-refactor/7: the thread has entries 0 to 1\n'],
      ['auth-refactor/x', 2, /^vlt: 'auth-refactor\/x' is not an entry: give thread\/seq/],
      ['nope/1', 1, /^vlt: no thread 'my-app\/nope'/],
    ] as const) {
      const refused = tag(ref, 'x');
      expect(isOneLineError(refused), ref).toBe(true);
      expect(refused.code, ref).toBe(code);
      if (typeof line === 'string') expect(refused.stderr).toBe(line);
      else expect(refused.stderr).toMatch(line);
    }

    // The last N with --limit or -n (the default stays 5), everything with -a, a project with -p.
    for (let i = 2; i < 9; i++) {
      ok(await here(box, ['thread', 'push', 'auth-refactor', `entry ${i}`, '--no-sync']));
    }
    const seqs = (args: string[], cwd = box.cwd) => {
      const result = vlt({ ...box, cwd }, ['thread', 'read', ...args, '--json']);
      ok(result);
      return (JSON.parse(result.stdout) as { entries: { seq: number }[] }).entries.map((e) => e.seq);
    };
    expect(seqs(['auth-refactor'])).toEqual([4, 5, 6, 7, 8]);
    expect(seqs(['auth-refactor', '--limit', '2'])).toEqual([7, 8]);
    expect(seqs(['auth-refactor', '-n', '12'])).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
    expect(seqs(['auth-refactor', '-a'])).toHaveLength(9);
    expect(seqs(['auth-refactor', '-p', 'my-app', '-n', '1'], outside)).toEqual([8]);
    const human = vlt(box, ['thread', 'read', 'auth-refactor', '-n', '8']);
    expect(human.code).toBe(0);
    const lines = human.stdout.trim().split('\n');
    // Entry 1's tags and link on the line under it.
    expect(lines[1]).toMatch(/^ +#by-prefix {2}#decision {2}#jwt {2}#outside {2}→ my-app\/infra \(keys\)$/);
    expect(lines.filter((l) => !l.startsWith(' ')).map((l) => l.split(' ')[0])).toEqual([
      '1',
      '2',
      '3',
      '4',
      '5',
      '6',
      '7',
      '8',
    ]);
    expect(human.stderr).toBe('(1 earlier entry: --all shows them)\n');
    expect(vlt(box, ['thread', 'list', '-a', '--json']).stdout).toContain('"infra"');
    for (const bad of [
      ['-n', '0'],
      ['-n', 'two'],
      ['-n', '-3'],
      ['-n', '2', '-a'],
    ]) {
      const refused = vlt(box, ['thread', 'read', 'auth-refactor', ...bad]);
      expect(isOneLineError(refused), bad.join(' ')).toBe(true);
      expect(refused.code, bad.join(' ')).toBe(2);
    }
  });

  it('with --json, every failure is also {"error": {code, message}} on stdout, and the same one line on stderr', async () => {
    ok(await here(box, ['init', '--project', 'app']));
    ok(await here(box, ['thread', 'new', 'notes', 'first', '--no-sync']));
    const cases: [string[], number, string][] = [
      [['thread', 'read', 'nope'], 1, 'not_found'],
      [['thread', 'tag', 'notes/9', 'x'], 1, 'not_found'],
      [['thread', 'push', 'nope', 'text'], 1, 'not_found'],
      [['thread', 'read', 'notes', '-n', '0'], 2, 'usage'],
      [['thread', 'tag', 'notes/0', 'Not A Tag!'], 2, 'usage'],
      [['thread', 'seek', 'x', '--limit', '101'], 2, 'usage'],
      [['thread', 'push'], 2, 'usage'],
      [['thread', 'read', 'notes', '--bogus'], 2, 'usage'],
      [['frobnicate'], 2, 'usage'],
      [['config', 'get', 'no.such.key'], 2, 'usage'],
      [['sync', 'pull'], 1, 'unauthorized'],
      [['auth', 'whoami'], 1, 'unauthorized'],
    ];
    for (const [args, exit, code] of cases) {
      const what = args.join(' ');
      const result = vlt(box, [...args, '--json']);
      expect(result.code, what).toBe(exit);
      const document = JSON.parse(result.stdout) as { error: { code: string; message: string } };
      expect(Object.keys(document), what).toEqual(['error']);
      expect(document.error.code, what).toBe(code);
      expect(result.stderr, what).toBe(`vlt: ${document.error.message}\n`);
      // Without --json, the same line and nothing on stdout.
      const plain = vlt(box, args);
      expect([plain.code, plain.stdout, plain.stderr], what).toEqual([exit, '', result.stderr]);
    }
    // Broken storage too.
    writeFileSync(join(box.home, 'vault.db'), 'not a database at all, just text');
    const broken = vlt(box, ['thread', 'list', '--json']);
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toEqual({
      error: { code: 'storage', message: expect.stringMatching(/is not a vlt vault/) },
    });
    expect(broken.stderr).toBe(
      `vlt: ${(JSON.parse(broken.stdout) as { error: { message: string } }).error.message}\n`,
    );
  });
});
