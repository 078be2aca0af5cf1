// `vlt mcp` as an agent meets it: the built `dist/cli/vlt.mjs` started as a process with a scratch
// VLT_HOME, driven by the MCP SDK's own client over stdio; what it writes read back with the real
// CLI (a `vlt` process in the first test; elsewhere the CLI's commands in this process, `cli()`,
// where a Node start checks nothing more); against no server and against a live one on port 0.
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createThread, pushEntry } from '../src/cli/vault/append.js';
import { openVault } from '../src/cli/vault/open.js';
import { sandbox, vlt, vltInProcess, VLT_BIN, type Result, type Sandbox } from './helpers.js';
import { newDataDir, startServer, type RunningServer } from './net-helpers.js';
import { tokenOverApi } from './sync-helpers.js';

const CAP = 20_000;

interface Session {
  client: Client;
  transport: StdioClientTransport;
  /** Calls a tool; the result's text, parsed when it is not an error. */
  call(
    name: string,
    args?: Record<string, unknown>,
    // The tools' JSON, checked field by field by each test.
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
  ): Promise<{ isError: boolean; text: string; json: any }>;
}

const sessions: Session[] = [];
const boxes: Sandbox[] = [];

async function connect(box: Sandbox, args: string[] = [], modern = false): Promise<Session> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [VLT_BIN, 'mcp', ...args],
    cwd: box.cwd,
    env: box.env as Record<string, string>,
    stderr: 'pipe',
  });
  // The default is the 2025 `initialize` handshake (what agents send today); `modern` negotiates 2026-07-28.
  const client = new Client(
    { name: 'vlt-test', version: '1.0.0' },
    modern ? { versionNegotiation: { mode: 'auto' } } : {},
  );
  await client.connect(transport);
  const session: Session = {
    client,
    transport,
    async call(name, args = {}) {
      const result = await client.callTool({ name, arguments: args });
      const content = result.content as { type: string; text: string }[];
      expect(content).toHaveLength(1);
      const text = content[0]!.text;
      // Every result, and every error, stays under the cap.
      expect(text.length).toBeLessThanOrEqual(CAP);
      const isError = result.isError === true;
      return { isError, text, json: isError ? undefined : JSON.parse(text) };
    },
  };
  sessions.push(session);
  return session;
}

/** A `vlt` command in this process, for setup and read-backs: the vault and its files are the same. */
async function cli(box: Sandbox, args: string[]): Promise<Result> {
  return vltInProcess(box, args);
}

function scratch(): Sandbox {
  const box = sandbox();
  box.env.VLT_NO_RETRIER = '1';
  boxes.push(box);
  return box;
}

afterEach(async () => {
  for (const session of sessions.splice(0)) await session.client.close();
});
afterAll(() => {
  for (const box of boxes) box.cleanup();
});

describe('vlt mcp', () => {
  it('lists few tools with small schemas, writes through the vault, and the CLI sees it queued', async () => {
    const box = scratch();
    expect(vlt(box, ['init', '--project', 'app']).code).toBe(0);
    const mcp = await connect(box);
    const { tools } = await mcp.client.listTools();
    expect(tools.map((t) => t.name).sort()).toEqual([
      'ask_oracle',
      'code_def',
      'create_thread',
      'list_threads',
      'push_entry',
      'read_note',
      'read_thread',
      'search_code',
      'search_notes',
      'search_threads',
      'thread_summary',
    ]);
    const schemaBytes = Buffer.byteLength(JSON.stringify(tools));
    console.log(`vlt mcp: ${tools.length} tools, ${schemaBytes} bytes of tool definitions`);
    expect(schemaBytes).toBeLessThan(8 * 1024);
    for (const tool of tools) expect(tool.description!.length).toBeGreaterThan(40);

    const created = await mcp.call('create_thread', {
      thread: 'auth',
      content: 'Goal: move sessions to JWT',
    });
    expect(created.isError).toBe(false);
    expect(created.json).toMatchObject({ project: 'app', thread: 'auth', seq: 0 });
    expect(created.json.sync).toMatch(/^queued: not logged in to http:\/\/localhost:8000/);
    const pushed = await mcp.call('push_entry', {
      thread: 'auth',
      content: 'Decided: 15-minute access tokens',
    });
    expect(pushed.json).toMatchObject({ project: 'app', thread: 'auth', seq: 1 });

    const read = JSON.parse(vlt(box, ['thread', 'read', 'auth', '--json']).stdout);
    expect(read.entries.map((e: { content: string; author: string }) => [e.content, e.author])).toEqual([
      ['Goal: move sessions to JWT', 'agent'],
      ['Decided: 15-minute access tokens', 'agent'],
    ]);
    expect(read.entries[1].id).toBe(pushed.json.entryId);
    const queue = JSON.parse(vlt(box, ['sync', 'queue', '--json']).stdout);
    expect(queue.items.map((i: { entryId: string; state: string }) => [i.entryId, i.state])).toEqual([
      [created.json.entryId, 'pending'],
      [pushed.json.entryId, 'pending'],
    ]);

    // And the reads name their project.
    const listed = await mcp.call('list_threads');
    expect(listed.json).toMatchObject({
      project: 'app',
      threads: [{ thread: 'auth', entries: 2, unsynced: 2 }],
    });
    const found = await mcp.call('search_threads', { query: 'access tokens' });
    expect(found.json).toMatchObject({ project: 'app', results: [{ thread: 'auth', seq: 1 }] });
    const newest = await mcp.call('read_thread', { thread: 'auth' });
    expect(newest.json).toMatchObject({ project: 'app', thread: 'auth', order: 'newest', nextCursor: null });
    expect(newest.json.entries.map((e: { seq: number }) => e.seq)).toEqual([1, 0]);
    const asked = await mcp.call('ask_oracle', { question: 'How long do access tokens live?' });
    expect(asked.json).toMatchObject({ project: 'app', mode: 'local' });
    expect(asked.json.sources[0]).toMatchObject({ thread: 'auth', seq: 1 });
    expect(asked.json.note).toBe('answered from the local vault (not logged in to http://localhost:8000)');
    // Entries pushed by the CLI meanwhile are there for the next call.
    vlt(box, ['thread', 'push', 'auth', 'from the terminal', '--no-sync']);
    expect((await mcp.call('read_thread', { thread: 'auth', limit: 1 })).json.entries[0].content).toBe(
      'from the terminal',
    );
  });

  it('summaries: byte-identical twice, and the next read after a push includes it', async () => {
    const box = scratch();
    const mcp = await connect(box, ['--project', 'app']);
    await mcp.call('create_thread', { thread: 'ci', content: 'Goal: a CI run under 5 minutes' });
    await mcp.call('push_entry', { thread: 'ci', content: 'Blocked by the runner quota' });
    const first = await mcp.call('thread_summary', { thread: 'ci' });
    const second = await mcp.call('thread_summary', { thread: 'app/ci' });
    expect(second.text).toBe(first.text);
    expect(first.json).toMatchObject({
      project: 'app',
      thread: 'ci',
      mode: 'deterministic',
      currentTo: { seq: 1 },
    });
    expect(first.json.summary).toContain('Blocked by the runner quota [ci#1]');
    // The CLI's summary is the same one.
    expect(JSON.parse((await cli(box, ['thread', 'summary', 'app/ci', '--json'])).stdout).summary).toBe(
      first.json.summary,
    );
    await mcp.call('push_entry', { thread: 'ci', content: 'Decided: cache node_modules by lockfile hash' });
    const after = await mcp.call('thread_summary', { thread: 'ci' });
    expect(after.json.currentTo.seq).toBe(2);
    expect(after.json.summary).toContain('Decided: cache node_modules by lockfile hash [ci#2]');
  });

  it('pages a 5,000-entry thread under the cap, with a cursor that reaches the end', async () => {
    const box = scratch();
    expect((await cli(box, ['init', '--project', 'big'])).code).toBe(0);
    const db = openVault(join(box.home, 'vault.db'), { create: true })!;
    db.pragma('synchronous = OFF');
    const entry = (content: string) => ({
      project: 'big',
      slug: 'history',
      content,
      author: 'agent',
      server: null,
    });
    createThread(db, { ...entry('Goal: a long agent session'), projectName: 'big' });
    db.transaction(() => {
      for (let i = 1; i < 5000; i++) {
        pushEntry(db, entry(`step ${i}: ${'tried one more variant of the query planner hint '.repeat(6)}`));
      }
      // One entry alone over the cap, read in parts.
      pushEntry(db, entry(`huge "quoted"\n${'x'.repeat(29_990)}\nend of huge`));
    })();
    db.close();

    const mcp = await connect(box);
    const seen: number[] = [];
    let huge = '';
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await mcp.call('read_thread', {
        thread: 'history',
        limit: 200,
        ...(cursor ? { cursor } : {}),
      });
      expect(page.isError, page.text).toBe(false);
      pages++;
      for (const e of page.json.entries as {
        seq: number;
        content: string;
        part?: { from: number; to: number; of: number };
      }[]) {
        if (e.seq === 5000) {
          huge += e.content;
          expect(e.part!.of).toBe(30_016);
          if (e.part!.to < e.part!.of) continue;
        }
        seen.push(e.seq);
      }
      cursor = page.json.nextCursor ?? undefined;
    } while (cursor);
    expect(huge).toBe(`huge "quoted"\n${'x'.repeat(29_990)}\nend of huge`);
    // Newest first, each entry once, to entry 0.
    expect(seen).toEqual(Array.from({ length: 5001 }, (_, i) => 5000 - i));
    // Pages are full: capped by characters, not by the limit.
    expect(pages).toBeGreaterThan(5001 / 200);

    // A range, oldest first.
    const range = await mcp.call('read_thread', {
      thread: 'history',
      from_seq: 10,
      to_seq: 12,
      order: 'oldest',
    });
    expect(range.json.entries.map((e: { seq: number }) => e.seq)).toEqual([10, 11, 12]);
    expect(range.json.nextCursor).toBeNull();
    // The summary stays small however long the thread.
    const summary = await mcp.call('thread_summary', { thread: 'history' });
    expect(summary.json.summary.length).toBeLessThanOrEqual(1500);
    expect(summary.json.currentTo.seq).toBe(5000);
  });

  it('reads an entry of escapes and emoji in parts that fit, never splitting a character', async () => {
    const box = scratch();
    const mcp = await connect(box, ['--project', 'app']);
    // Each \u0001 takes 6 characters in JSON; each emoji is two UTF-16 units.
    const content = `start ${'\u0001😀"\\'.repeat(12_000)} end`;
    expect(Buffer.byteLength(content)).toBeLessThan(100_000);
    await mcp.call('create_thread', { thread: 'odd', content });
    let read = '';
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await mcp.call('read_thread', { thread: 'odd', ...(cursor ? { cursor } : {}) });
      const [entry] = page.json.entries as {
        content: string;
        part: { from: number; to: number; of: number };
      }[];
      expect(entry!.part.from).toBe(read.length);
      expect(entry!.content).not.toMatch(/^[\uDC00-\uDFFF]|[\uD800-\uDBFF]$/);
      read += entry!.content;
      cursor = page.json.nextCursor ?? undefined;
      pages++;
    } while (cursor);
    expect(read).toBe(content);
    expect(pages).toBeGreaterThan(3);
  });

  it('notes: search_notes finds a note by words, read_note pages it with line numbers to the end', async () => {
    const box = scratch();
    expect((await cli(box, ['init', '--project', 'app'])).code).toBe(0);
    mkdirSync(join(box.cwd, 'docs', 'adr'), { recursive: true });
    const auth = [
      '---',
      'title: Sessions and tokens',
      '---',
      '# Sessions',
      '',
      'Web sessions use signed cookies.',
      '',
      '## Token expiry',
      '',
      'Access tokens expire after 15 minutes; refresh tokens rotate on every use.',
    ].join('\n');
    writeFileSync(join(box.cwd, 'docs', 'auth.md'), `${auth}\n`);
    // 3,000 numbered lines, and one line alone longer than a result.
    const long = [
      '# Runbook',
      ...Array.from({ length: 3000 }, (_, i) => `step ${i + 1}: check the "replica" lag \\ then go on`),
      `huge ${'y'.repeat(30_000)} end`,
      'the last line',
    ];
    writeFileSync(join(box.cwd, 'docs', 'adr', 'runbook.md'), `${long.join('\r\n')}\r\n`);
    const indexed = await cli(box, ['notes', 'index']);
    expect(indexed.code, indexed.stderr).toBe(0);

    const mcp = await connect(box);
    const found = await mcp.call('search_notes', { query: 'refresh tokens rotate' });
    expect(found.isError, found.text).toBe(false);
    expect(found.json).toMatchObject({
      project: 'app',
      results: [{ path: 'docs/auth.md', title: 'Sessions and tokens', heading: '# Sessions' }],
    });
    const hit = found.json.results[0];
    expect(hit.lines).toMatch(/^\d+-10$|^10$/);
    expect(hit.snippet).toMatch(/rotate/);
    // The same hits as `vlt notes seek`.
    const seek = JSON.parse((await cli(box, ['notes', 'seek', 'refresh tokens rotate', '--json'])).stdout);
    expect(seek.results[0]).toMatchObject({ path: hit.path, heading: hit.heading, snippet: hit.snippet });
    expect((await mcp.call('search_notes', { query: 'nothing like this' })).json).toEqual({
      project: 'app',
      query: 'nothing like this',
      results: [],
    });

    // A citation as the search gives it reads just those lines, numbered as the file's.
    const cited = await mcp.call('read_note', { path: `${hit.path}:${hit.lines}` });
    expect(cited.json).toMatchObject({ project: 'app', path: 'docs/auth.md', nextCursor: null });
    expect(cited.json.text.split('\n').at(-1)).toBe(
      '10\tAccess tokens expire after 15 minutes; refresh tokens rotate on every use.',
    );
    const whole = await mcp.call('read_note', { path: 'docs/auth.md' });
    expect(whole.json.lines).toEqual({ from: 1, to: 10, of: 10 });
    expect(whole.json.text).toBe(
      auth
        .split('\n')
        .map((line, i) => `${i + 1}\t${line}`)
        .join('\n'),
    );
    const range = await mcp.call('read_note', { path: 'docs/auth.md', from_line: 4, to_line: 6 });
    expect(range.json.text).toBe('4\t# Sessions\n5\t\n6\tWeb sessions use signed cookies.');

    // The long note, page by page: every line once, in order, the huge one in parts.
    const read: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    do {
      const page = await mcp.call('read_note', {
        path: './docs/adr/runbook.md',
        ...(cursor ? { cursor } : {}),
      });
      expect(page.isError, page.text).toBe(false);
      pages++;
      expect(page.json.lines.of).toBe(long.length);
      const lines = (page.json.text as string).split('\n').map((l) => /^(\d+)\t(.*)$/s.exec(l)!);
      expect(Number(lines[0]![1])).toBe(page.json.lines.from);
      expect(Number(lines.at(-1)![1])).toBe(page.json.lines.to);
      for (const [i, [, n, text = '']] of lines.entries()) {
        if (i === 0 && page.json.part && page.json.part.from > 0) read[read.length - 1] += text;
        else {
          expect(Number(n)).toBe(read.length + 1);
          read.push(text);
        }
      }
      cursor = page.json.nextCursor ?? undefined;
    } while (cursor);
    expect(read).toEqual(long);
    expect(pages).toBeGreaterThanOrEqual(8);

    // The Oracle cites the note by path and lines too.
    const asked = await mcp.call('ask_oracle', { question: 'When do access tokens expire?' });
    expect(asked.json.sources).toContainEqual(expect.objectContaining({ note: 'docs/auth.md' }));

    // Mistakes say what to do.
    const mistakes: [Record<string, unknown>, RegExp][] = [
      [
        { path: 'docs/nope.md' },
        /^no note 'docs\/nope.md' in project app: search_notes finds notes by words/,
      ],
      [{ path: 'docs/auth.md', from_line: 11 }, /^from_line 11 is past the end: docs\/auth.md has 10 lines$/],
      [{ path: 'docs/auth.md', from_line: 5, to_line: 4 }, /^from_line 5 is after to_line 4$/],
      [{ path: 'docs/auth.md', cursor: 'garbage' }, /^invalid cursor: pass the nextCursor/],
    ];
    const first = await mcp.call('read_note', { path: 'docs/adr/runbook.md' });
    mistakes.push([
      { path: 'docs/auth.md', cursor: first.json.nextCursor },
      /^this cursor belongs to app\/docs\/adr\/runbook.md: call read_note for docs\/auth.md without it$/,
    ]);
    for (const [args, message] of mistakes) {
      const result = await mcp.call('read_note', args);
      expect(result.isError, JSON.stringify(args)).toBe(true);
      expect(result.text).toMatch(message);
    }
    // A note changed under a cursor: read again from where it stopped.
    writeFileSync(join(box.cwd, 'docs', 'adr', 'runbook.md'), 'rewritten\n');
    expect((await cli(box, ['notes', 'index'])).code).toBe(0);
    const stale = await mcp.call('read_note', { path: 'docs/adr/runbook.md', cursor: first.json.nextCursor });
    expect(stale.isError).toBe(true);
    expect(stale.text).toMatch(
      /^docs\/adr\/runbook.md changed since this cursor was made: read it again with from_line \d+/,
    );
  });

  it('code: search_code finds a function by the words of its name, code_def gives its lines', async () => {
    const box = scratch();
    expect((await cli(box, ['init', '--project', 'app'])).code).toBe(0);
    const mcp = await connect(box);
    expect((await mcp.call('search_code', { query: 'refresh token' })).json).toMatchObject({
      results: [],
      note: expect.stringMatching(/^no code indexed in project app: run `vlt code index`/) as unknown,
    });
    await mcp.client.close();
    mkdirSync(join(box.cwd, 'src'));
    writeFileSync(
      join(box.cwd, 'src', 'auth.ts'),
      [
        'export class Session {',
        '  // Swaps an expired access token for a new one.',
        '  refreshToken(old: string): string {',
        "    return old + '!';",
        '  }',
        '}',
      ].join('\n'),
    );
    const indexed = await cli(box, ['code', 'index']);
    expect(indexed.code, indexed.stderr).toBe(0);
    const again = await connect(box);
    const found = await again.call('search_code', { query: 'refresh expired token' });
    expect(found.isError, found.text).toBe(false);
    expect(found.json).toMatchObject({
      project: 'app',
      results: [{ path: 'src/auth.ts', lines: '2-5', symbol: 'Session.refreshToken', kind: 'method' }],
    });
    expect((await again.call('code_def', { name: 'Session.refreshToken' })).json).toMatchObject({
      definitions: [{ path: 'src/auth.ts', lines: '2-5', signature: 'refreshToken(old: string): string' }],
    });
    const bad = await again.call('code_def', { name: '../etc/passwd' });
    expect(bad.isError).toBe(true);
    expect(bad.text).toMatch(/is not a symbol name/);
  });

  it('a call that needs a project and has none is a tool error naming the fix', async () => {
    const box = scratch();
    const mcp = await connect(box);
    for (const [tool, args] of [
      ['list_threads', {}],
      ['push_entry', { thread: 'auth', content: 'x' }],
      ['search_threads', { query: 'x' }],
      ['ask_oracle', { question: 'why?' }],
      ['search_notes', { query: 'x' }],
      ['read_note', { path: 'docs/auth.md' }],
    ] as const) {
      const result = await mcp.call(tool, args);
      expect(result.isError, tool).toBe(true);
      expect(result.text).toBe(
        'no project: pass `project` (a project id such as "my-app"), or start the server with `vlt mcp --project <id>` or in a directory with a vlt.toml',
      );
    }
    // Naming it works, and nothing went to any other project.
    expect(
      (await mcp.call('create_thread', { project: 'named', thread: 't', content: 'goal' })).json.project,
    ).toBe('named');
    expect((await mcp.call('list_threads', { project: 'other' })).json).toMatchObject({
      project: 'other',
      threads: [],
    });
  });

  it('bad arguments are tool errors with what to do, and the server goes on', async () => {
    const box = scratch();
    const mcp = await connect(box, ['--project', 'app']);
    await mcp.call('create_thread', { thread: 'auth', content: 'goal' });
    const cases: [string, Record<string, unknown>, RegExp][] = [
      ['push_entry', { thread: 'auth', content: 5 }, /content: content must be text/],
      ['push_entry', { content: 'no thread' }, /thread: thread must be text/],
      [
        'push_entry',
        { thread: 'Not A Name', content: 'x' },
        /^invalid thread name 'Not A Name': use 1-128 lower-case/,
      ],
      ['push_entry', { thread: 'nope', content: 'x' }, /^no thread 'app\/nope': list_threads shows/],
      ['push_entry', { thread: 'auth', content: '   ' }, /^content is empty: give the entry's text$/],
      ['push_entry', { thread: 'auth', content: 'x'.repeat(100_001) }, /over the limit of 100000 bytes/],
      ['push_entry', { thread: 'auth', content: 'x', author: 'two\nlines' }, /^invalid author/],
      ['create_thread', { thread: 'auth', content: 'again' }, /already exists: add to it with push_entry/],
      ['read_thread', { thread: 'auth', limit: 1000 }, /limit must be a whole number from 1 to 200/],
      ['read_thread', { thread: 'auth', cursor: 'garbage' }, /^invalid cursor: pass the nextCursor/],
      ['read_thread', { thread: 'auth', from_seq: 5 }, /from_seq 5 is after to_seq 0/],
      ['read_thread', { thread: 'other/auth', project: 'app' }, /names project other but project is app/],
      ['list_threads', { status: 'done' }, /status must be active, archived or blocked/],
      ['list_threads', { project: 'Bad Project' }, /^invalid project id 'Bad Project'/],
      ['search_threads', { query: '' }, /^the query is empty/],
      ['ask_oracle', { question: ' ' }, /^the question is empty/],
      ['ask_oracle', { question: 'why '.repeat(600) }, /over 2000 characters/],
      ['search_notes', { query: ' ' }, /^the query is empty/],
      ['search_notes', { query: 'x', limit: 0 }, /limit must be a whole number from 1 to 50/],
      ['read_note', { path: 5 }, /path: path must be text/],
      [
        'read_note',
        { path: '../secrets.md' },
        /^invalid path '..\/secrets.md': .*'\.\.' segment; give it as search_notes/,
      ],
      ['read_note', { path: '/etc/passwd' }, /^invalid path '\/etc\/passwd': a note path is relative/],
      ['read_note', { path: 'docs/a.md', from_line: 0 }, /from_line must be a whole number from 1/],
      [
        'read_note',
        { path: 'docs/a.md' },
        /^no notes indexed in project app: run `vlt notes index` in the project's directory/,
      ],
    ];
    for (const [tool, args, message] of cases) {
      const result = await mcp.call(tool, args);
      expect(result.isError, `${tool} ${JSON.stringify(args).slice(0, 80)}`).toBe(true);
      expect(result.text).toMatch(message);
      expect(result.text).not.toMatch(/\n\s+at /);
    }
    // An unknown tool is a protocol error, not a crash.
    await expect(mcp.client.callTool({ name: 'drop_everything', arguments: {} })).rejects.toThrow(
      /not found/,
    );
    // Nothing half-written, and the server still answers.
    const read = await mcp.call('read_thread', { thread: 'auth' });
    expect(read.json.entries.map((e: { content: string }) => e.content)).toEqual(['goal']);
  });

  it('serves a client of the 2026-07-28 protocol revision the same tools', async () => {
    const box = scratch();
    const mcp = await connect(box, ['--project', 'app'], true);
    expect(mcp.client.getNegotiatedProtocolVersion()).toBe('2026-07-28');
    expect((await mcp.client.listTools()).tools).toHaveLength(11);
    expect((await mcp.call('create_thread', { thread: 'modern', content: 'goal' })).json).toMatchObject({
      project: 'app',
      thread: 'modern',
      seq: 0,
    });
  });

  it('exits when stdin closes, with nothing but protocol messages on stdout', async () => {
    const box = scratch();
    const child = spawn(process.execPath, [VLT_BIN, 'mcp', '--project', 'app'], {
      cwd: box.cwd,
      env: box.env,
    });
    let stdout = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 't', version: '1' } } })}\n`,
    );
    child.stdin.write('this is not JSON\n');
    child.stdin.write(
      `${JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/call', params: { name: 'push_entry', arguments: { thread: 'x', content: 'y' } } })}\n`,
    );
    // Both requests answered (the line that is not JSON stopped nothing), then stdin closes.
    const answered = () =>
      stdout
        .split('\n')
        .slice(0, -1) // whole lines only
        .map((line) => (JSON.parse(line) as { id?: unknown }).id);
    await expect.poll(answered, { timeout: 10_000, interval: 20 }).toEqual([1, 2]);
    child.stdin.end();
    expect(await exited).toBe(0);
    const lines = stdout.trimEnd().split('\n');
    for (const line of lines) expect(JSON.parse(line)).toHaveProperty('jsonrpc', '2.0');
    expect(lines.map((line) => JSON.parse(line).id)).toEqual([1, 2]);
  });
});

describe('vlt mcp against a live server', () => {
  let data: string;
  let server: RunningServer;
  let token: string;
  beforeAll(async () => {
    data = newDataDir();
    server = await startServer(data, 0, { VLT_LIMIT_PUSH_PER_MINUTE: '100000' });
    token = await tokenOverApi(server.url, 'agent');
  });
  afterAll(async () => {
    await server.stop();
    rmSync(data, { recursive: true, force: true });
  });

  it("syncs what it writes, and asks the server's Oracle", async () => {
    const box = scratch();
    box.env.VLT_SERVER_URL = server.url;
    box.env.VLT_SYNC_TOKEN = token;
    const mcp = await connect(box, ['--project', 'app']);
    expect(
      (await mcp.call('create_thread', { thread: 'auth', content: 'Goal: JWT sessions' })).json.sync,
    ).toBe('synced');
    expect(
      (
        await mcp.call('push_entry', {
          thread: 'auth',
          content: 'Decided: access tokens expire after 15 minutes.',
        })
      ).json.sync,
    ).toBe('synced');
    expect(JSON.parse((await cli(box, ['sync', 'queue', '--json'])).stdout).items).toEqual([]);
    const status = JSON.parse((await cli(box, ['sync', 'status', '--json'])).stdout);
    expect(status.threads).toEqual([
      expect.objectContaining({ project: 'app', thread: 'auth', localSeq: 1, serverSeq: 1 }),
    ]);
    const asked = await mcp.call('ask_oracle', { question: 'When do access tokens expire?' });
    expect(asked.json).toMatchObject({ project: 'app', mode: 'extractive', note: null });
    expect(asked.json.answer).toMatch(/access tokens expire after 15 minutes\. \[1\]/);
    expect(asked.json.sources[0]).toMatchObject({ thread: 'auth', seq: 1 });
  });

  it('when the server cannot be reached, retries in its own process (no child), and delivers once it is back', async () => {
    const box = scratch();
    delete box.env.VLT_NO_RETRIER;
    const otherData = newDataDir();
    let other = await startServer(otherData, 0);
    const port = other.port;
    box.env.VLT_SERVER_URL = other.url;
    box.env.VLT_SYNC_TOKEN = await tokenOverApi(other.url, 'agent');
    await other.stop();
    try {
      const mcp = await connect(box, ['--project', 'app']);
      const pushed = await mcp.call('create_thread', {
        thread: 'offline',
        content: 'written while the server is down',
      });
      expect(pushed.json.sync).toMatch(/^queued: /);
      // The retrier's lock names this very process: it started none.
      const lock = join(box.home, 'retrier.lock');
      expect(Number(readFileSync(lock, 'utf8'))).toBe(mcp.transport.pid);
      expect(JSON.parse((await cli(box, ['sync', 'queue', '--json'])).stdout).items).toHaveLength(1);
      // The server comes back on its port: the entry arrives with no call and no command.
      other = await startServer(otherData, port);
      await expect
        .poll(async () => JSON.parse((await cli(box, ['sync', 'queue', '--json'])).stdout).items.length, {
          timeout: 30_000,
          interval: 50,
        })
        .toBe(0);
      // With nothing left, the retrying ended and let go of the lock.
      await expect.poll(() => existsSync(lock), { timeout: 5000 }).toBe(false);
      const status = JSON.parse((await cli(box, ['sync', 'status', '--json'])).stdout);
      expect(status.threads).toEqual([expect.objectContaining({ thread: 'offline', serverSeq: 0 })]);
    } finally {
      await other.stop();
      rmSync(otherData, { recursive: true, force: true });
    }
  });
});
