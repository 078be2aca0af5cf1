// code.*: the manifest and upload by content hash (the file's text checked, its chunks cut from its
// lines by the server), moves, copies, deletions, refusals that leave nothing half-written, search
// with identifiers split and names weighted, a chunk read by line with its place on the web host,
// and the Oracle citing code beside entries; on SQLite and on PostgreSQL (PGlite).
import { TRPCError } from '@trpc/server';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { ChunkPlace } from '../../shared/code.js';
import { entriesFor, memoryDeps, userCaller } from '../../../test/server-helpers.js';

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const file = (path: string, content: string, chunks: ChunkPlace[], language = 'typescript') => ({
  path,
  sha256: sha(content),
  language,
  content,
  chunks,
});
type Upload = ReturnType<typeof file>;
const line = (f: Upload) => ({ path: f.path, sha256: f.sha256, size: Buffer.byteLength(f.content) });
const fn = (symbol: string, startLine: number, endLine: number, signature: string): ChunkPlace => ({
  kind: 'function',
  symbol,
  container: '',
  signature,
  startLine,
  endLine,
});

const RETRIER_TEXT = [
  '// The detached background retrier: at most one per VLT_HOME.',
  "import { openSync } from 'node:fs';",
  '',
  '/** Takes the lock for this process; false if another live retrier holds it. */',
  'export function takeRetrierLock(home: string): boolean {',
  "  return openSync(`${home}/retrier.lock`, 'wx') > 0;",
  '}',
  '',
  'export const MAX_RETRY = 5;',
].join('\n');
const RETRIER = file('src/sync/retrier.ts', RETRIER_TEXT, [
  { ...fn('', 1, 3, ''), kind: 'module' },
  fn('takeRetrierLock', 4, 7, 'export function takeRetrierLock(home: string): boolean'),
  { ...fn('MAX_RETRY', 9, 9, 'export const MAX_RETRY = 5;'), kind: 'variable' },
]);
const TOKENS_TEXT = [
  'export class Tokens {',
  '  refreshToken(old: string): string {',
  '    return rotate(old);',
  '  }',
  '}',
].join('\n');
const TOKENS = file('src/auth/tokens.ts', TOKENS_TEXT, [
  { ...fn('Tokens', 1, 1, 'export class Tokens'), kind: 'class' },
  { ...fn('refreshToken', 2, 4, 'refreshToken(old: string): string'), kind: 'method', container: 'Tokens' },
]);
const MAKEFILE = file(
  'Makefile',
  'build:\n\tnpm run build\n',
  [{ ...fn('', 1, 2, ''), kind: 'lines' }],
  'make',
);

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return error instanceof TRPCError ? `${error.code}: ${error.message}` : String(error);
  }
}

async function synced(files = [RETRIER, TOKENS, MAKEFILE], limits = {}) {
  const deps = await memoryDeps(limits);
  const { caller } = await userCaller(deps, 'alice');
  const first = await caller.code.manifest({
    projectId: 'app',
    files: files.map(line),
    url: 'https://git.example.com/org/app/blob/main/',
  });
  expect(first.missing.sort()).toEqual([...new Set(files.map((f) => f.sha256))].sort());
  await caller.code.upload({ projectId: 'app', files });
  return { deps, caller };
}

describe('code.*', () => {
  it('asks only for the hashes it lacks, and a second manifest of the same files asks for none', async () => {
    const { caller } = await synced();
    const again = await caller.code.manifest({
      projectId: 'app',
      files: [RETRIER, TOKENS, MAKEFILE].map(line),
    });
    expect(again).toEqual({ missing: [], unchanged: 3, moved: [], copied: [], deleted: [] });
    const list = await caller.code.list({ projectId: 'app' });
    expect(list.files.map((f) => [f.path, f.language, f.chunks])).toEqual([
      ['Makefile', 'make', 1],
      ['src/auth/tokens.ts', 'typescript', 2],
      ['src/sync/retrier.ts', 'typescript', 3],
    ]);
  });

  it('finds code by split identifiers and by name before body, with its place on the web host', async () => {
    const { caller } = await synced();
    const split = (await caller.code.search({ query: 'refresh token' })).results;
    expect(split.map((r) => [r.path, r.symbol, r.container, r.kind, r.startLine, r.endLine])).toEqual([
      ['src/auth/tokens.ts', 'refreshToken', 'Tokens', 'method', 2, 4],
    ]);
    expect(split[0]!.url).toBe('https://git.example.com/org/app/blob/main/src/auth/tokens.ts#L2-L4');
    expect((await caller.code.search({ query: 'refreshToken' })).results.map((r) => r.symbol)).toEqual([
      'refreshToken',
    ]);
    expect((await caller.code.search({ query: 'max retry' })).results.map((r) => r.symbol)).toEqual([
      'MAX_RETRY',
    ]);
    // No chunk holds both words: those holding either (the any-word fallback, counted in code).
    expect((await caller.code.search({ query: 'MAX_RETRY zeppelin' })).results.map((r) => r.symbol)).toEqual([
      'MAX_RETRY',
    ]);
    // "retrier" is in the module's comment, in the function's name and in its body: the name wins.
    const named = (await caller.code.search({ query: 'retrier lock' })).results;
    expect(named[0]!.symbol).toBe('takeRetrierLock');
    // A path's words are searched too.
    expect((await caller.code.search({ query: 'auth' })).results.map((r) => r.path)).toContain(
      'src/auth/tokens.ts',
    );
  });

  it('reads a chunk by a line in it, with the chunks around it; the url can be changed or taken away', async () => {
    const { caller } = await synced();
    const got = await caller.code.get({ projectId: 'app', path: RETRIER.path, line: 5 });
    expect(got.chunk).toMatchObject({ symbol: 'takeRetrierLock', startLine: 4, endLine: 7 });
    expect(got.chunk.content).toBe(RETRIER_TEXT.split('\n').slice(3, 7).join('\n'));
    expect([got.previous, got.next]).toEqual([1, 9]);
    expect(got.url).toBe('https://git.example.com/org/app/blob/main/src/sync/retrier.ts#L4-L7');
    expect(await codeOf(caller.code.get({ projectId: 'app', path: RETRIER.path, line: 8 }))).toMatch(
      /^NOT_FOUND: no chunk of app\/src\/sync\/retrier\.ts holds line 8/,
    );
    await caller.code.manifest({ projectId: 'app', files: [RETRIER, TOKENS, MAKEFILE].map(line), url: null });
    expect((await caller.code.get({ projectId: 'app', path: RETRIER.path, line: 4 })).url).toBeNull();
  });

  it('applies an edit, a rename (a move: no upload), a copy and a deletion from one manifest', async () => {
    const { caller } = await synced();
    const edited = file(TOKENS.path, TOKENS_TEXT.replace('rotate(old)', 'rotateQuokka(old)'), TOKENS.chunks);
    const answer = await caller.code.manifest({
      projectId: 'app',
      files: [
        line(edited),
        { ...line(RETRIER), path: 'src/jobs/retrier.ts' },
        { ...line(RETRIER), path: 'tools/r.ts' },
      ],
    });
    expect(answer.missing).toEqual([edited.sha256]);
    expect(answer.moved).toEqual([{ from: 'src/sync/retrier.ts', to: 'src/jobs/retrier.ts' }]);
    expect(answer.copied).toEqual([{ from: 'src/jobs/retrier.ts', to: 'tools/r.ts' }]);
    expect(answer.deleted).toEqual(['Makefile']);
    await caller.code.upload({ projectId: 'app', files: [edited] });
    expect((await caller.code.search({ query: 'quokka' })).results.map((r) => r.path)).toEqual([TOKENS.path]);
    const lock = (await caller.code.search({ query: 'takeRetrierLock' })).results;
    expect(lock.map((r) => r.path).sort()).toEqual(['src/jobs/retrier.ts', 'tools/r.ts']);
    // The moved file's path is searched as its new one.
    expect((await caller.code.search({ query: 'jobs' })).results.map((r) => r.path)).toEqual([
      'src/jobs/retrier.ts',
      'src/jobs/retrier.ts',
      'src/jobs/retrier.ts',
    ]);
    expect((await caller.code.search({ query: 'npm build' })).results).toEqual([]);
  });

  it('refuses a bad hash, an oversize file, chunks outside the text, bad names and addresses, storing nothing', async () => {
    const deps = await memoryDeps({ codeFileBytes: 200 });
    const { caller } = await userCaller(deps, 'alice');
    const good = file('a.ts', 'export const a = 1;\n', [{ ...fn('a', 1, 1, ''), kind: 'variable' }]);
    const refusals: [string | RegExp, unknown][] = [
      ['BAD_REQUEST: the text of b.ts does not hash', [good, { ...file('b.ts', 'x', []), sha256: sha('y') }]],
      [
        'PAYLOAD_TOO_LARGE: big.ts is 300 bytes, over the limit of 200 bytes for a code file',
        [good, file('big.ts', 'x'.repeat(300), [])],
      ],
      [
        'BAD_REQUEST: c.ts has 2 lines, and a chunk ends at line 40',
        [good, file('c.ts', 'x\n', [fn('x', 1, 40, '')])],
      ],
      [
        /BAD_REQUEST[\s\S]*last line is before its first/,
        [good, file('d.ts', 'x\ny\n', [fn('x', 2, 1, '')])],
      ],
      [/BAD_REQUEST[\s\S]*control character/, [good, file('e.ts', 'x\n', [fn('x\u202e', 1, 1, '')])]],
      [/BAD_REQUEST[\s\S]*control character/, [good, file('e.ts', 'x\n', [fn('x', 1, 1, 'a\u0007b')])]],
      ['BAD_REQUEST', [good, file('f.ts', 'x\n', [{ ...fn('x', 1, 1, ''), kind: 'virus' as never }])]],
      [/BAD_REQUEST[\s\S]*NUL bytes/, [good, file('g.ts', 'PNG\u0000data', [])]],
      [/BAD_REQUEST[\s\S]*'\.\.' segment/, [good, file('../../etc/passwd', 'x', [])]],
      [/BAD_REQUEST[\s\S]*relative/, [good, file('/etc/passwd', 'x', [])]],
      ['BAD_REQUEST', [good, file('h.ts', 'x', [], 'Type Script!')]],
      ['BAD_REQUEST: the upload carries a.ts twice', [good, good]],
    ];
    for (const [expected, files] of refusals) {
      const result = await codeOf(caller.code.upload({ projectId: 'app', files } as never));
      if (typeof expected === 'string') expect(result).toContain(expected);
      else expect(result).toMatch(expected);
    }
    expect((await caller.code.list({})).files).toEqual([]);
    for (const url of [
      'javascript:alert(1)',
      'https://evil.example/\u202egnp.exe',
      'https://user:pw@git.example.com/x',
    ]) {
      expect(await codeOf(caller.code.manifest({ projectId: 'app', files: [], url }))).toMatch(
        /^BAD_REQUEST: [\s\S]*\[code\] url must be an http\(s\) address/,
      );
    }
    expect(
      await codeOf(
        caller.code.manifest({ projectId: 'app', files: [{ path: 'a.ts', sha256: sha('x'), size: 300 }] }),
      ),
    ).toMatch(/^PAYLOAD_TOO_LARGE: a\.ts is 300 bytes/);
    const many = await memoryDeps({ codeFilesPerProject: 2 });
    const bob = (await userCaller(many, 'bob')).caller;
    const three = ['x', 'y', 'z'].map((n) => file(`${n}.ts`, `${n}\n`, []));
    expect(await codeOf(bob.code.upload({ projectId: 'app', files: three }))).toMatch(
      /^PAYLOAD_TOO_LARGE: project app would have more than 2 code files \(VLT_LIMIT_CODE_FILES_PER_PROJECT\)/,
    );
    expect((await bob.code.list({})).files).toEqual([]);
  });

  it('deletes one file; a file that is not there is NOT_FOUND', async () => {
    const { caller } = await synced();
    expect(await caller.code.delete({ projectId: 'app', path: TOKENS.path })).toEqual({ deleted: true });
    expect(await codeOf(caller.code.get({ projectId: 'app', path: TOKENS.path, line: 1 }))).toMatch(
      /^NOT_FOUND/,
    );
    expect(await codeOf(caller.code.delete({ projectId: 'app', path: TOKENS.path }))).toMatch(/^NOT_FOUND/);
    expect((await caller.code.search({ query: 'refresh token' })).results).toEqual([]);
  });

  it('the Oracle cites code as path:lines (symbol) beside entries, at most 3 of 5 sources code', async () => {
    const many = Array.from({ length: 8 }, (_, i) =>
      file(
        `src/locks/lock${i}.ts`,
        `export function takeLock${i}(): boolean {\n  return retrierLockHeld(${i});\n}\n`,
        [fn(`takeLock${i}`, 1, 3, `export function takeLock${i}(): boolean`)],
      ),
    );
    const { caller } = await synced([RETRIER, ...many]);
    await caller.threads.push({
      projectId: 'app',
      threadId: 'retrier-design',
      status: 'active',
      createdAt: new Date(),
      entries: entriesFor(0, 1, 'Decided: the retrier lock is a file holding its pid; the retrier lock'),
    });
    const answer = await caller.oracle.ask({ question: 'where is the retrier lock taken?', limit: 5 });
    // Nine chunks of code hold the question's words, and two entries: code takes 3 of the 5 places.
    const kinds = answer.sources.map((s) => s.kind);
    expect(kinds.filter((k) => k === 'code')).toHaveLength(3);
    expect(kinds.filter((k) => k === 'entry')).toHaveLength(2);
    for (const source of answer.sources) {
      if (source.kind !== 'code') continue;
      expect(source).toMatchObject({ project: 'app', language: 'typescript' });
      expect(source.path).toMatch(/^src\/(locks|sync)\//);
      expect(source.endLine).toBeGreaterThanOrEqual(source.startLine);
    }
    // Only code: the answer quotes it in a fence under its citation.
    const codeOnly = await caller.oracle.ask({ question: 'takeRetrierLock openSync wx', limit: 5 });
    expect(codeOnly.sources[0]).toMatchObject({ kind: 'code', symbol: 'takeRetrierLock' });
    expect(codeOnly.answer).toMatch(
      /src\/sync\/retrier\.ts:\d+(-\d+)? \(takeRetrierLock\) \[1\]:\n```typescript\n/,
    );
  });
});
