// Hostile input against the real server: every procedure with malformed, oversize, wrong-type,
// deeply nested, FTS-syntax and injection-shaped input, and with bad credentials. Expected: a
// client error or a normal answer, never a 500, never another user's data, the server still up.
import { createHash } from 'node:crypto';
import { chmodSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../src/server/routers/_app.js';
import {
  newDataDir,
  onServerDb,
  rawHttp,
  type RawAnswer,
  PG_URL,
  PGLITE,
  issueToken,
  startServer,
  type RunningServer,
} from './net-helpers.js';
import { tokenOverApi } from './sync-helpers.js';

let data: string;
let server: RunningServer;
let token: string;
let otherToken: string;
/** The victim's credentials that no longer count: a revoked token, an expired one, an expired session. */
let revokedToken: string;
let expiredToken: string;
let expiredSession: string;

const issue = (username: string, ...extra: string[]) => issueToken(data, username, extra);

beforeAll(async () => {
  data = newDataDir();
  server = await startServer(data);
  token = await tokenOverApi(server.url, 'victim');
  otherToken = await tokenOverApi(server.url, 'attacker');
  // The victim's data, which no hostile call may return.
  const response = await fetch(`${server.url}/trpc/threads.push`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      json: {
        projectId: 'secret',
        threadId: 'plans',
        createdAt: '2026-01-01T00:00:00.000Z',
        entries: [
          {
            entryId: '01900000-0000-7000-8000-0000000000aa',
            sequenceId: 0,
            content: 'victim-only-marker',
            author: 'v',
            timestamp: '2026-01-01T00:00:00.000Z',
          },
        ],
      },
      meta: { values: { createdAt: ['Date'], 'entries.0.timestamp': ['Date'] } },
    }),
  });
  expect(response.status).toBe(200);
  // And a note of the victim's.
  const note = '# Plans\n\nvictim-only-marker in a note\n';
  const noteSha = createHash('sha256').update(note).digest('hex');
  // And code of the victim's.
  const code = '// victim-only-marker in code\nexport function plans() {}\n';
  const codeSha = createHash('sha256').update(code).digest('hex');
  for (const [path, body] of [
    [
      'code.manifest',
      {
        projectId: 'secret',
        files: [{ path: 'src/plans.ts', sha256: codeSha, size: code.length }],
        url: 'https://git.example.com/victim/secret',
      },
    ],
    [
      'code.upload',
      {
        projectId: 'secret',
        files: [
          {
            path: 'src/plans.ts',
            sha256: codeSha,
            language: 'typescript',
            content: code,
            chunks: [
              {
                kind: 'function',
                symbol: 'plans',
                container: '',
                signature: 'export function plans()',
                startLine: 1,
                endLine: 2,
              },
            ],
          },
        ],
      },
    ],
    [
      'notes.manifest',
      { projectId: 'secret', files: [{ path: 'docs/plans.md', sha256: noteSha, size: note.length }] },
    ],
    [
      'notes.upload',
      { projectId: 'secret', files: [{ path: 'docs/plans.md', sha256: noteSha, content: note }] },
    ],
  ] as const) {
    const answer = await fetch(`${server.url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body: JSON.stringify({ json: body }),
    });
    expect(answer.status, await answer.text()).toBe(200);
  }

  revokedToken = issue('victim', '--name', 'to revoke');
  expiredToken = issue('victim', '--name', 'to expire', '--expires-days', '1');
  const login = await fetch(`${server.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ json: { username: 'victim', password: 'correct horse battery' } }),
  });
  expect(login.status).toBe(200);
  expiredSession = /vlt_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
  // Tokens are revoked from the web UI: a session from this site.
  const revoke = await fetch(`${server.url}/trpc/tokens.revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: expiredSession, 'x-vlt-web': '1' },
    body: JSON.stringify({ json: { id: revokedToken.split('_')[1] } }),
  });
  expect(revoke.status).toBe(200);
  // Both work until they expire.
  const ways: Record<string, string>[] = [
    { authorization: `Bearer ${expiredToken}` },
    { cookie: expiredSession, 'x-vlt-web': '1' },
  ];
  for (const headers of ways) {
    expect((await fetch(`${server.url}/trpc/auth.me`, { headers })).status).toBe(200);
  }
  // Time passes: the token's and the session's expiry are moved into the past, in the database.
  // With PGlite the server process holds the database: it stops for the change, then starts again.
  if (PGLITE) await server.stop();
  await onServerDb(
    data,
    "UPDATE api_tokens SET expires_at = '2001-01-01T00:00:00.000Z' WHERE name = 'to expire'; " +
      "UPDATE sessions SET expires_at = '2001-01-01T00:00:00.000Z'",
  );
  if (PGLITE) server = await startServer(data, server.port);
});

afterAll(async () => {
  await server.stop();
  rmSync(data, { recursive: true, force: true });
});

const nested = (depth: number): unknown => (depth === 0 ? 'x' : { a: nested(depth - 1) });
const HOSTILE_BODIES: [string, string | Buffer][] = [
  ['not JSON', '{'],
  ['an array', '[]'],
  ['null input', '{"json":null}'],
  ['wrong types', '{"json":{"projectId":1,"threadId":[],"question":{},"query":7,"username":false}}'],
  ['deeply nested', JSON.stringify({ json: nested(2000) })],
  ['malformed UTF-8', Buffer.from([0x7b, 0x22, 0x6a, 0xff, 0xfe, 0x22, 0x7d])],
  [
    'FTS syntax',
    JSON.stringify({ json: { query: '"NEAR( col:* -x ^', question: 'AND OR NOT ")', projectId: 'secret' } }),
  ],
  [
    'injection-shaped',
    JSON.stringify({
      json: { projectId: "secret' OR 1=1 --", threadId: 'x"; DROP TABLE entries; --', query: "' OR ''='" },
    }),
  ],
  [
    'oversize string',
    JSON.stringify({ json: { question: 'x'.repeat(600_000), query: 'y'.repeat(300_000) } }),
  ],
];

const procedures = Object.entries(appRouter._def.procedures).map(([path, procedure]) => ({
  path,
  type: (procedure as unknown as { _def: { type: 'query' | 'mutation' | 'subscription' } })._def.type,
}));

/** Node's limit on a request's head (the URL is in it): `--max-http-header-size`, 16 KiB by default. */
const MAX_HEAD_BYTES = 16 * 1024;

/**
 * The HTTP status, or for a subscription (server-sent events, always 200) the status its error
 * event carries. A connection the server closed without an answer counts as 431 only when the URL
 * was over the server's head limit: Node answers 431 and closes while the client may still be
 * writing, so the client sees EPIPE or ECONNRESET instead of the answer. Any other reset fails.
 */
function statusOf(type: string, answer: RawAnswer, urlBytes: number): number {
  if (answer.status === 0) {
    expect(urlBytes, `connection closed without an answer (${answer.error})`).toBeGreaterThan(MAX_HEAD_BYTES);
    return 431;
  }
  if (type !== 'subscription') return answer.status;
  const carried = /"httpStatus":(\d+)/.exec(answer.text);
  return carried ? Number(carried[1]) : answer.status;
}

async function call(path: string, type: string, body: string | Buffer, authorization?: string) {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  if (authorization?.startsWith('Cookie ')) {
    // As the web UI sends it: the cookie counts only with the web client's header.
    headers.cookie = authorization.slice(7);
    headers['x-vlt-web'] = '1';
  } else if (authorization) headers.authorization = authorization;
  if (type === 'mutation') {
    const url = `${server.url}/trpc/${path}`;
    const answer = await rawHttp(url, { method: 'POST', headers, body });
    return { answer, status: statusOf(type, answer, url.length) };
  }
  const input = encodeURIComponent(Buffer.isBuffer(body) ? body.toString('latin1') : body);
  const url = `${server.url}/trpc/${path}?input=${input}`;
  const answer = await rawHttp(url, { headers, timeoutMs: 5000 });
  return { answer, status: statusOf(type, answer, url.length) };
}

describe('hostile input', () => {
  it.each(procedures)(
    '$path: hostile bodies get a client error or a normal answer, never a 500 or the victim data',
    async ({ path, type }) => {
      for (const [name, body] of HOSTILE_BODIES) {
        // auth.logout takes no input: with the attacker's token it would only end that session.
        const credentials = path === 'auth.logout' ? [undefined] : [`Bearer ${otherToken}`, undefined];
        for (const authorization of credentials) {
          const { answer, status } = await call(path, type, body, authorization);
          const text = answer.text;
          // A client error, or a normal answer (FTS syntax is searched as words; a body is ignored
          // by procedures without input): never a server error.
          expect(status, `${path} ${name}: ${text.slice(0, 200)}`).toBeLessThan(500);
          // Node itself answers 431 to a URL too long to parse, with no body; every other error says why.
          if (status >= 400 && status !== 431)
            expect(text, `${path} ${name} ${status}`).toMatch(/"message":"[^"]+"/);
          expect(text).not.toContain('victim-only-marker');
        }
      }
    },
  );

  it.each(procedures.filter((p) => !['auth.signup', 'auth.login'].includes(p.path)))(
    '$path: missing, malformed, forged, revoked and expired credentials are UNAUTHORIZED',
    async ({ path, type }) => {
      const body = JSON.stringify({ json: {} });
      for (const authorization of [
        undefined,
        'Bearer',
        'Basic dXNlcjpwYXNz',
        'Bearer vlt_000000000000_' + 'A'.repeat(43),
        `Bearer ${token}x`,
        `Bearer ${revokedToken}`,
        `Bearer ${expiredToken}`,
        `Cookie ${expiredSession}`,
      ]) {
        const { answer, status } = await call(path, type, body, authorization);
        const text = answer.text;
        expect(status, `${path} ${authorization}: ${text.slice(0, 200)}`).toBe(401);
        expect(text).not.toContain('victim-only-marker');
      }
    },
  );

  it('the server still answers afterwards, and its memory stayed bounded', async () => {
    const health = await fetch(`${server.url}/healthz`);
    expect(health.status).toBe(200);
    const rss = Number(
      (await import('node:fs'))
        .readFileSync(`/proc/${server.child.pid}/status`, 'utf8')
        .match(/VmRSS:\s+(\d+)/)![1],
    );
    expect(rss).toBeLessThan(512 * 1024);
  });
});

/** A tRPC mutation's raw body: superjson's `json` with Dates marked in `meta`. */
function pushBody(entries: Record<string, unknown>[], extra: Record<string, unknown> = {}) {
  const dates: Record<string, ['Date']> = { createdAt: ['Date'] };
  entries.forEach((_, i) => (dates[`entries.${i}.timestamp`] = ['Date']));
  return JSON.stringify({
    json: { projectId: 'rules', threadId: 'input', createdAt: '2026-01-01T00:00:00.000Z', entries, ...extra },
    meta: { values: dates },
  });
}

const anEntry = (fields: Record<string, unknown> = {}) => ({
  entryId: '01900000-0000-7000-8000-0000000000f1',
  sequenceId: 0,
  content: 'fine',
  author: 'agent',
  timestamp: '2026-01-01T00:00:00.000Z',
  ...fields,
});

/** A chunk as the CLI sends it. */
const A_CHUNK = { kind: 'variable', symbol: 'fine', container: '', signature: '', startLine: 1, endLine: 1 };

/** The victim's one entry. */
const VICTIM_ENTRY = '01900000-0000-7000-8000-0000000000aa';
const encodeCursor = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

describe('input rules, the same on every engine', () => {
  const post = (path: string, body: string) =>
    rawHttp(`${server.url}/trpc/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${otherToken}` },
      body,
    });
  const get = (path: string, input: unknown) =>
    rawHttp(`${server.url}/trpc/${path}?input=${encodeURIComponent(JSON.stringify({ json: input }))}`, {
      headers: { authorization: `Bearer ${otherToken}` },
    });

  it.each([
    ['a NUL character', { content: 'a\u0000b' }, /NUL/],
    ['whitespace only', { content: ' \n\t ' }, /content is empty/],
    ['a lone surrogate', { content: 'broken \ud800 text' }, /lone surrogate/],
    ['a newline in the author', { author: 'a\nb' }, /author/],
    ['an author with spaces around it', { author: ' agent ' }, /author/],
    ['a bidi override in the author', { author: 'evil\u202eliam' }, /author/],
    ['a sequence over the databases’ integers', { sequenceId: 2_147_483_648 }, /sequenceId/],
    ['a timestamp after year 9999', { timestamp: '+010000-01-01T00:00:00.000Z' }, /before the year 10000/],
    ['a timestamp before 1970', { timestamp: '-000001-01-01T00:00:00.000Z' }, /from 1970/],
  ])('refuses an entry with %s as BAD_REQUEST, naming the entry', async (_name, fields, message) => {
    const entry = anEntry(fields);
    const answer = await post('threads.push', pushBody([entry]));
    expect(answer.status, answer.text).toBe(400);
    expect(answer.text).toMatch(message);
    // The entry is named, so the client sets it aside and sends the rest.
    expect(answer.text).toContain(`"entryId":"${entry.entryId}"`);
  });

  it.each([
    ['a tag with spaces', { tags: [{ entryId: VICTIM_ENTRY, tag: 'not a tag' }] }, /a tag is 1-64/],
    ['a tag over 64 characters', { tags: [{ entryId: VICTIM_ENTRY, tag: 'x'.repeat(65) }] }, /a tag is/],
    ['an entry id that is not a UUID', { tags: [{ entryId: '../x', tag: 'ok' }] }, /UUID/],
    [
      'a link note over 1000 characters',
      {
        links: [
          {
            entryId: VICTIM_ENTRY,
            projectId: 'p',
            threadId: 't',
            note: 'n'.repeat(1001),
            at: '2026-01-01T00:00:00.000Z',
          },
        ],
      },
      /1000 characters/,
    ],
    [
      'a link to a thread name that climbs out',
      {
        links: [
          {
            entryId: VICTIM_ENTRY,
            projectId: '..',
            threadId: 't',
            note: null,
            at: '2026-01-01T00:00:00.000Z',
          },
        ],
      },
      /project id/,
    ],
    [
      'over 100 tags and links',
      { tags: Array.from({ length: 101 }, (_, i) => ({ entryId: VICTIM_ENTRY, tag: `t${i}` })) },
      /at most 100 tags and links/,
    ],
  ])('refuses threads.annotate with %s as BAD_REQUEST, storing nothing', async (_name, body, message) => {
    const answer = await post('threads.annotate', JSON.stringify({ json: body }));
    expect(answer.status, answer.text).toBe(400);
    expect(answer.text).toMatch(message);
  });

  it("threads.annotate of the victim's entry by another user stores nothing of it", async () => {
    const answer = await post(
      'threads.annotate',
      JSON.stringify({ json: { tags: [{ entryId: VICTIM_ENTRY, tag: 'pwned' }] } }),
    );
    expect(answer.status, answer.text).toBe(200);
    expect(answer.text).toContain(`"unknownEntries":["${VICTIM_ENTRY}"]`);
    const theirs = await fetch(
      `${server.url}/trpc/threads.search?input=${encodeURIComponent(JSON.stringify({ json: { query: 'tag:pwned' } }))}`,
      { headers: { authorization: `Bearer ${token}` } },
    );
    expect(await theirs.text()).toContain('"results":[]');
  });

  it('refuses out-of-range cursors and limits with BAD_REQUEST, never a 500', async () => {
    const own = anEntry({ entryId: '01900000-0000-7000-8000-0000000000c1' });
    expect((await post('threads.push', pushBody([own], { threadId: 'cursors' }))).status).toBe(200);
    const answers = await Promise.all([
      get('threads.pull', { cursor: encodeCursor(1e308) }),
      // 2^53 + 1, as a client would write it: JSON.parse reads it as a number past the safe integers.
      get('threads.pull', { cursor: Buffer.from('[9007199254740993,0]').toString('base64url') }),
      get('threads.pull', { cursor: encodeCursor([1, 2_147_483_648]) }),
      get('threads.get', { projectId: 'rules', threadId: 'cursors', cursor: encodeCursor(1e308) }),
      get('threads.list', { cursor: encodeCursor(['+010000-01-01T00:00:00.000Z', 1]) }),
      get('threads.list', { limit: 2_147_483_648 }),
    ]);
    for (const answer of answers) expect([answer.status, answer.text]).toEqual([400, expect.any(String)]);
    expect(answers.map((a) => a.status)).not.toContain(500);
  });

  it.each([
    ['a path that climbs out', { path: '../../etc/passwd.md' }, /'\.\.'/],
    ['an absolute path', { path: '/etc/passwd.md' }, /absolute/],
    ['a NUL in the path', { path: 'docs/a\u0000.md' }, /NUL/],
    ['a path that is not markdown', { path: 'docs/a.sh' }, /\.md/],
    ['binary text', { content: 'PNG\u0000\u0001' }, /binary/],
    ['a lone surrogate', { content: 'caf\ud800' }, /UTF-8/],
    ['a wrong hash', { sha256: 'f'.repeat(64) }, /does not hash/],
    ['a text over the note limit', { content: 'x'.repeat(1_000_001) }, /over the limit of 1000000 bytes/],
  ])('refuses a note upload with %s, storing nothing of the batch', async (_name, fields, message) => {
    const good = { path: 'docs/fine.md', content: '# Fine\n' };
    const bad = { path: 'docs/bad.md', content: 'bad', ...fields };
    const files = [good, bad].map((f) => ({
      sha256: createHash('sha256').update(f.content).digest('hex'),
      ...f,
    }));
    const answer = await post('notes.upload', JSON.stringify({ json: { projectId: 'rules', files } }));
    expect([400, 413]).toContain(answer.status);
    expect(answer.text).toMatch(message);
    const list = await get('notes.list', { projectId: 'rules' });
    expect(list.text).not.toContain('fine.md');
  });

  it.each([
    ['a path that climbs out', { path: '../../etc/passwd' }, /'\.\.'/],
    ['an absolute path', { path: '/etc/passwd' }, /absolute/],
    ['a backslash in the path', { path: 'src\\a.ts' }, /'\/' between folders/],
    ['binary text', { content: 'MZ\u0000\u0001' }, /binary/],
    ['a lone surrogate', { content: 'caf\ud800' }, /UTF-8/],
    ['a wrong hash', { sha256: 'f'.repeat(64) }, /does not hash/],
    ['a text over the code file limit', { content: 'x'.repeat(500_001) }, /over the limit of 500000 bytes/],
    ['a chunk past the last line', { chunks: [{ ...A_CHUNK, endLine: 99 }] }, /a chunk ends at line 99/],
    [
      'a chunk that ends before it starts',
      { chunks: [{ ...A_CHUNK, startLine: 2, endLine: 1 }] },
      /before its first/,
    ],
    ['a chunk at line 0', { chunks: [{ ...A_CHUNK, startLine: 0 }] }, /startLine/],
    ['a kind of chunk that is none', { chunks: [{ ...A_CHUNK, kind: 'exploit' }] }, /kind/],
    ['a bidi override in a name', { chunks: [{ ...A_CHUNK, symbol: 'evil\u202ecod' }] }, /control character/],
    [
      'a name over 512 characters',
      { chunks: [{ ...A_CHUNK, symbol: 'x'.repeat(513) }] },
      /over 512 characters/,
    ],
    ['a language that is none', { language: '<script>' }, /a language is/],
  ])('refuses a code upload with %s, storing nothing of the batch', async (_name, fields, message) => {
    const good = {
      path: 'src/fine.ts',
      content: 'export const fine = 1;\n',
      language: 'typescript',
      chunks: [A_CHUNK],
    };
    const bad = {
      path: 'src/bad.ts',
      content: 'bad\n',
      language: 'typescript',
      chunks: [A_CHUNK],
      ...fields,
    };
    const files = [good, bad].map((f) => ({
      sha256: createHash('sha256').update(f.content).digest('hex'),
      ...f,
    }));
    const answer = await post('code.upload', JSON.stringify({ json: { projectId: 'rules', files } }));
    expect([400, 413]).toContain(answer.status);
    expect(answer.text).toMatch(message);
    const list = await get('code.list', { projectId: 'rules' });
    expect(list.text).not.toContain('fine.ts');
  });

  it.each([
    ['a javascript: address', 'javascript:alert(document.cookie)'],
    ['a data: address', 'data:text/html,<script>alert(1)</script>'],
    ['an address with a password', 'https://user:secret@git.example.com/org/repo'],
    ['a right-to-left override', 'https://git.example.com/\u202egnp.exe'],
    ['a newline', 'https://git.example.com/a\nb'],
    ['a query (a path would land in it)', 'https://github.com/org/repo/blob/main?x=1'],
    ['a fragment', 'https://github.com/org/repo/blob/main#frag'],
    ['quotes and angle brackets', 'https://github.com/org/repo"><script>'],
  ])('refuses a repository address that is %s', async (_name, url) => {
    const answer = await post(
      'code.manifest',
      JSON.stringify({ json: { projectId: 'rules', files: [], url } }),
    );
    expect(answer.status, answer.text).toBe(400);
    expect(answer.text).toMatch(/\[code\] url must be an http\(s\) address/);
  });

  it('lists threads newest first by time', async () => {
    for (const [threadId, at] of [
      ['late', '9999-12-31T00:00:00.000Z'],
      ['early', '2026-01-01T00:00:00.000Z'],
    ] as const) {
      const entry = anEntry({
        entryId: `01900000-0000-7000-8000-0000000000${threadId === 'late' ? 'a1' : 'a2'}`,
        timestamp: at,
      });
      const answer = await post(
        'threads.push',
        pushBody([entry], { projectId: 'order', threadId, createdAt: at }),
      );
      expect(answer.status, answer.text).toBe(200);
    }
    const list = await get('threads.list', { projectId: 'order' });
    expect([...list.text.matchAll(/"threadId":"(\w+)"/g)].map((m) => m[1])).toEqual(['late', 'early']);
  });
});

describe('cookies and other sites', () => {
  /** A fresh web session of the victim's: the Cookie header value. */
  async function session(): Promise<string> {
    const login = await rawHttp(`${server.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ json: { username: 'victim', password: 'correct horse battery' } }),
    });
    expect(login.status).toBe(200);
    return /vlt_session=[^;]+/.exec(String(login.headers['set-cookie']))![0];
  }
  const me = (headers: Record<string, string>) => rawHttp(`${server.url}/trpc/auth.me`, { headers });

  it('treats an undecodable or doubled session cookie as signed out, never a 500', async () => {
    const good = await session();
    for (const cookie of [
      'vlt_session=%E0%A4%A',
      'vlt_session=%',
      `vlt_session=${'x'.repeat(5000)}`,
      `${good}; vlt_session=${'A'.repeat(43)}`,
      `vlt_session=${'A'.repeat(43)}; ${good}`,
    ]) {
      const answer = await me({ cookie, 'x-vlt-web': '1' });
      expect([cookie.slice(0, 30), answer.status]).toEqual([cookie.slice(0, 30), 401]);
      const login = await rawHttp(`${server.url}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', cookie },
        body: JSON.stringify({ json: { username: 'victim', password: 'correct horse battery' } }),
      });
      expect(login.status).toBe(200);
    }
    expect((await me({ cookie: good, 'x-vlt-web': '1' })).status).toBe(200);
  });

  it("takes the session cookie only from this site's pages: another site's form or link gets nothing", async () => {
    const cookie = await session();
    // A cross-site form: multipart (which tRPC would parse) is refused before any procedure runs.
    const form = await rawHttp(`${server.url}/trpc/auth.logout`, {
      method: 'POST',
      headers: {
        cookie,
        origin: 'http://evil.example',
        'content-type': 'multipart/form-data; boundary=x',
      },
      body: '--x--\r\n',
    });
    expect(form.status).toBe(415);
    // JSON from another origin: the cookie does not count.
    const json = await rawHttp(`${server.url}/trpc/auth.logout`, {
      method: 'POST',
      headers: { cookie, origin: 'http://evil.example', 'content-type': 'application/json' },
      body: '{}',
    });
    expect(json.status).toBe(401);
    // A link or an image starting a subscription from another site.
    const watch = `${server.url}/trpc/threads.watch?input=${encodeURIComponent(JSON.stringify({ json: { projectId: 'secret', threadId: 'plans', afterSequence: -1 } }))}`;
    const crossSite = await rawHttp(watch, {
      headers: { cookie, 'sec-fetch-site': 'cross-site' },
      timeoutMs: 5000,
    });
    expect(crossSite.text).toMatch(/"httpStatus":401/);
    expect(crossSite.text).not.toContain('victim-only-marker');
    expect((await me({ cookie, 'x-vlt-web': '1' })).status).toBe(200);
    // The same requests from the site itself work.
    const sameOrigin = await rawHttp(`${server.url}/trpc/auth.logout`, {
      method: 'POST',
      headers: { cookie, origin: server.url, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(sameOrigin.status).toBe(200);
    expect((await me({ cookie, 'x-vlt-web': '1' })).status).toBe(401);
  });

  it('sends security headers with pages, the API and /healthz', async () => {
    for (const path of ['/', '/threads', '/trpc/auth.me', '/healthz']) {
      const answer = await rawHttp(`${server.url}${path}`);
      expect(answer.headers['content-security-policy'], path).toMatch(
        /default-src 'self'.*frame-ancestors 'none'/,
      );
      expect(answer.headers['x-content-type-options'], path).toBe('nosniff');
      expect(answer.headers['referrer-policy'], path).toBe('same-origin');
    }
  });
});

describe('batches', () => {
  it('carries at most 10 calls', async () => {
    const calls = Array.from({ length: 11 }, () => 'threads.list').join(',');
    const input = Object.fromEntries(Array.from({ length: 11 }, (_, i) => [i, { json: {} }]));
    const answer = await rawHttp(
      `${server.url}/trpc/${calls}?batch=1&input=${encodeURIComponent(JSON.stringify(input))}`,
      { headers: { authorization: `Bearer ${otherToken}` } },
    );
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('a batched request carries too many calls');
  });

  it('never batches auth.*: a batch of logins is refused before any runs', async () => {
    const body = Object.fromEntries(
      Array.from({ length: 5 }, (_, i) => [
        i,
        { json: { username: 'victim', password: `wrong guess ${i}` } },
      ]),
    );
    const answer = await rawHttp(`${server.url}/trpc/${Array(5).fill('auth.login').join(',')}?batch=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    expect(answer.status).toBe(400);
    expect(answer.text).toContain('auth procedures cannot be batched');
    expect(answer.text).not.toContain('wrong username or password');
  });

  it('ignores X-Forwarded-For unless VLT_SERVER_TRUST_PROXY says to trust it', async () => {
    const statuses: number[] = [];
    for (let i = 0; i < 11; i++) {
      const answer = await rawHttp(`${server.url}/trpc/auth.login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-for': `198.51.100.${i}` },
        body: JSON.stringify({ json: { username: 'spoofer', password: `wrong guess ${i}` } }),
      });
      statuses.push(answer.status);
    }
    // Ten failures from 127.0.0.1 whatever the header said, then the limit.
    expect(statuses).toEqual([...Array(10).fill(401), 429]);
  });
});

describe('a server on the network: accounts, proxies, files', () => {
  let own: string;
  let exposed: RunningServer;

  beforeAll(async () => {
    own = newDataDir();
    // A data directory others can read, as `mkdir` under a common umask makes it.
    chmodSync(own, 0o755);
    exposed = await startServer(own, 0, {
      // The defaults a new operator gets, behind a proxy on loopback, over HTTPS.
      VLT_SERVER_SIGNUP: '',
      VLT_SERVER_TRUST_PROXY: 'loopback',
      VLT_SERVER_SECURE_COOKIES: '1',
    });
  });

  afterAll(async () => {
    await exposed.stop();
    rmSync(own, { recursive: true, force: true });
  });

  const signup = (username: string, address: string) =>
    rawHttp(`${exposed.url}/trpc/auth.signup`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ json: { username, password: 'correct horse battery' } }),
    });
  const login = (username: string, password: string, address: string) =>
    rawHttp(`${exposed.url}/trpc/auth.login`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-forwarded-for': address },
      body: JSON.stringify({ json: { username, password } }),
    });

  it('lets the first user sign up, then no one; the cookie is __Host- and Secure', async () => {
    const first = await signup('operator', '192.0.2.10');
    expect(first.status, first.text).toBe(200);
    expect(String(first.headers['set-cookie'])).toMatch(
      /^__Host-vlt_session=[A-Za-z0-9_-]{43}; Max-Age=\d+; Path=\/; Expires=.*; HttpOnly; Secure; SameSite=Lax$/,
    );
    const second = await signup('mallory', '192.0.2.11');
    expect(second.status).toBe(403);
    expect(second.text).toContain('sign-up is closed on this server');
  });

  it('gives 40 parallel guesses no more checks than the limit, and locks out only the guessing address', async () => {
    const guesses = Array.from({ length: 40 }, (_, i) =>
      login('operator', i === 25 ? 'correct horse battery' : `wrong guess ${i}`, '203.0.113.66'),
    );
    const statuses = (await Promise.all(guesses)).map((a) => a.status);
    expect(statuses.filter((s) => s !== 429).length).toBeLessThanOrEqual(10);
    expect(statuses.filter((s) => s === 429).length).toBeGreaterThanOrEqual(30);
    // From the operator's own address, the right password works.
    expect((await login('operator', 'correct horse battery', '192.0.2.10')).status).toBe(200);
  });

  it('keeps its files to itself (0600) in a directory others can read, and says so', () => {
    // On PostgreSQL the database and the secret are PostgreSQL's to keep.
    const files = PGLITE || PG_URL ? [] : ['vlt.db', 'vlt.db-wal', 'vlt.db-shm', 'secret'];
    for (const file of files) {
      expect([file, statSync(join(own, file)).mode & 0o777]).toEqual([file, 0o600]);
    }
    expect(exposed.output()).toContain(`the data directory ${own} is open to other users (mode 755)`);
  });
});

describe('a database that cannot be written', () => {
  it('is 503 on a push and on /healthz, with what is wrong, and nothing half-stored', async () => {
    if (PGLITE || PG_URL) return; // The file size limit is the SQLite files'.
    const own = newDataDir();
    const first = await startServer(own);
    const tokenOf = await tokenOverApi(first.url, 'filler');
    const pushOne = (url: string, seq: number) =>
      rawHttp(`${url}/trpc/threads.push`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: `Bearer ${tokenOf}` },
        body: pushBody(
          [
            anEntry({
              entryId: `01900000-0000-7000-8000-${seq.toString(16).padStart(12, '0')}`,
              sequenceId: seq,
              content: `${seq} ${'filler text '.repeat(20)}`,
            }),
          ],
          { threadId: 'filling' },
        ),
      });
    // The thread and the user's search index exist before the limit: later pushes add a few pages.
    expect((await pushOne(first.url, 0)).status).toBe(200);
    await first.stop();
    // Files may not grow past 64 KiB (the shared-memory file takes 32): the write-ahead log fills
    // after a few pages.
    const limited = await startServer(own, 0, {}, ['prlimit', `--fsize=${64 * 1024}`]);
    try {
      let push: RawAnswer | undefined;
      for (let seq = 1; seq < 100; seq++) {
        push = await pushOne(limited.url, seq);
        if (push.status !== 200) break;
      }
      expect([push?.status, push?.text]).toEqual([
        503,
        expect.stringContaining('the server cannot store or read data now (its storage failed'),
      ]);
      // Each probe writes a page: within a few probes (four a second at most) the log is full.
      let health: RawAnswer | undefined;
      for (let probe = 0; probe < 20; probe++) {
        health = await rawHttp(`${limited.url}/healthz`);
        if (health.status !== 200) break;
        await new Promise((resolve) => setTimeout(resolve, 260));
      }
      expect([health?.status, health?.text]).toEqual([
        503,
        expect.stringMatching(
          /"the database cannot be written: its (disk is full|storage failed \(SQLITE_\w+\))"/,
        ),
      ]);
      expect(limited.output()).not.toMatch(/^\s+at /m);
    } finally {
      await limited.stop();
    }
    // Started again without the limit: what was acknowledged is there, the refused entry is not.
    const again = await startServer(own);
    try {
      const input = encodeURIComponent(JSON.stringify({ json: { projectId: 'rules', threadId: 'filling' } }));
      const got = await rawHttp(`${again.url}/trpc/threads.get?input=${input}`, {
        headers: { authorization: `Bearer ${tokenOf}` },
      });
      const stored = [...got.text.matchAll(/"sequenceId":(\d+)/g)].map((m) => Number(m[1]));
      expect(stored.length).toBeGreaterThan(0);
      expect(stored).toEqual(stored.map((_, i) => i));
    } finally {
      await again.stop();
      rmSync(own, { recursive: true, force: true });
    }
  });
});
