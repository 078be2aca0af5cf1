// Hostile input against the real server: every procedure with malformed, oversize, wrong-type,
// deeply nested, FTS-syntax and injection-shaped input, and with bad credentials. Expected: a
// client error or a normal answer, never a 500, never another user's data, the server still up.
import { rmSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appRouter } from '../src/server/routers/_app.js';
import {
  newDataDir,
  onServerDb,
  rawHttp,
  type RawAnswer,
  PGLITE,
  issueToken,
  startServer,
  userWithToken,
  type RunningServer,
} from './net-helpers.js';

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
  token = userWithToken(data, 'victim');
  otherToken = userWithToken(data, 'attacker');
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

  revokedToken = issue('victim', '--name', 'to revoke');
  const revoke = await fetch(`${server.url}/trpc/tokens.revoke`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ json: { id: revokedToken.split('_')[1] } }),
  });
  expect(revoke.status).toBe(200);
  expiredToken = issue('victim', '--name', 'to expire', '--expires-days', '1');
  const login = await fetch(`${server.url}/trpc/auth.login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ json: { username: 'victim', password: 'correct horse battery' } }),
  });
  expect(login.status).toBe(200);
  expiredSession = /vlt_session=[^;]+/.exec(login.headers.get('set-cookie') ?? '')![0];
  // Both work until they expire.
  const ways: Record<string, string>[] = [
    { authorization: `Bearer ${expiredToken}` },
    { cookie: expiredSession },
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
  if (authorization?.startsWith('Cookie ')) headers.cookie = authorization.slice(7);
  else if (authorization) headers.authorization = authorization;
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
