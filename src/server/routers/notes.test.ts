// notes.*: the manifest and upload by content hash, moves, copies, deletions, refusals that leave
// nothing half-written, search, reading with backlinks; on SQLite and on PostgreSQL (PGlite).
import { TRPCError } from '@trpc/server';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { memoryDeps, userCaller } from '../../../test/server-helpers.js';

const sha = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex');
const file = (path: string, content: string) => ({ path, sha256: sha(content), content });
const line = (f: { path: string; sha256: string; content: string }) => ({
  path: f.path,
  sha256: f.sha256,
  size: Buffer.byteLength(f.content),
});

const AUTH = file(
  'docs/auth.md',
  '---\ntitle: Authentication\naliases: [Login]\n---\n# Auth\n\n## Token expiry\nAccess tokens expire after fifteen minutes; refresh tokens after ninety days.\n',
);
const DEPLOY = file(
  'docs/ops/deploy.md',
  '# Deploying\n\nSee [[Login]] and [auth](../auth.md) before a blue-green rollout.\n',
);
const README = file('docs/README.md', '# Docs\n\nThe handbook of the payments team.\n');

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return error instanceof TRPCError ? `${error.code}: ${error.message}` : String(error);
  }
}

async function synced(files = [AUTH, DEPLOY, README]) {
  const deps = await memoryDeps();
  const { caller } = await userCaller(deps, 'alice');
  const first = await caller.notes.manifest({ projectId: 'app', files: files.map(line) });
  expect(first.missing.sort()).toEqual([...new Set(files.map((f) => f.sha256))].sort());
  await caller.notes.upload({ projectId: 'app', files });
  return { deps, caller };
}

describe('notes.*', () => {
  it('asks only for the hashes it lacks, and a second manifest of the same files asks for none', async () => {
    const { caller } = await synced();
    const again = await caller.notes.manifest({ projectId: 'app', files: [AUTH, DEPLOY, README].map(line) });
    expect(again).toEqual({ missing: [], unchanged: 3, moved: [], copied: [], deleted: [] });
    const list = await caller.notes.list({ projectId: 'app' });
    expect(list.notes.map((n) => [n.path, n.title])).toEqual([
      ['docs/README.md', 'Docs'],
      ['docs/auth.md', 'Authentication'],
      ['docs/ops/deploy.md', 'Deploying'],
    ]);
  });

  it('a manifest in ranges of paths: each changes only the paths it covers, and lists no other', async () => {
    const { caller } = await synced();
    // docs/README.md < docs/auth.md < docs/ops/deploy.md. The first range: up to docs/b.
    const first = { from: '', to: 'docs/b' };
    const answer = await caller.notes.manifestRange({
      projectId: 'app',
      files: [line(README)],
      range: first,
    });
    // docs/auth.md is gone from its range; docs/ops/deploy.md is outside it and stays.
    expect(answer).toEqual({ missing: [], unchanged: 1, moved: [], copied: [], deleted: ['docs/auth.md'] });
    const rest = { from: 'docs/b', to: null };
    const moved = { ...line(DEPLOY), path: 'docs/ops/deploying.md' };
    expect(await caller.notes.manifestRange({ projectId: 'app', files: [moved], range: rest })).toEqual({
      missing: [],
      unchanged: 0,
      moved: [{ from: 'docs/ops/deploy.md', to: 'docs/ops/deploying.md' }],
      copied: [],
      deleted: [],
    });
    expect((await caller.notes.list({ projectId: 'app' })).notes.map((n) => n.path)).toEqual([
      'docs/README.md',
      'docs/ops/deploying.md',
    ]);
    // A file outside the range it came with, and a range that ends before it starts: refused.
    expect(
      await codeOf(caller.notes.manifestRange({ projectId: 'app', files: [line(AUTH)], range: rest })),
    ).toMatch(/^BAD_REQUEST: the manifest lists docs\/auth\.md, outside its range/);
    expect(
      await codeOf(
        caller.notes.manifestRange({ projectId: 'app', files: [], range: { from: 'b', to: 'a' } }),
      ),
    ).toMatch(/^BAD_REQUEST: [\s\S]*a range's end comes after its start/);
    expect((await caller.notes.list({ projectId: 'app' })).notes).toHaveLength(2);
  });

  it('holds a project at its limit across ranges: copies count, a file moved to another range does not twice', async () => {
    const deps = await memoryDeps({ notesPerProject: 3 });
    const { caller } = await userCaller(deps, 'alice');
    await caller.notes.manifest({ projectId: 'app', files: [AUTH, DEPLOY, README].map(line) });
    await caller.notes.upload({ projectId: 'app', files: [AUTH, DEPLOY, README] });
    const first = { from: '', to: 'docs/b' };
    const rest = { from: 'docs/b', to: null };
    // A copy of docs/auth.md in its range: four notes in the project.
    const copies = [AUTH, { ...AUTH, path: 'docs/a1.md' }, README].map(line);
    expect(
      await codeOf(caller.notes.manifestRange({ projectId: 'app', files: copies, range: first })),
    ).toMatch(/^PAYLOAD_TOO_LARGE: project app would have more than 3 notes \(VLT_LIMIT_NOTES_PER_PROJECT\)/);
    // docs/ops/deploy.md renamed docs/a-deploy.md, from the second range to the first: asked for by
    // the first, deleted by the second, then uploaded: three notes all along.
    const renamed = { ...DEPLOY, path: 'docs/a-deploy.md' };
    const one = await caller.notes.manifestRange({
      projectId: 'app',
      files: [AUTH, renamed, README].map(line),
      range: first,
    });
    expect([one.missing, one.deleted]).toEqual([[DEPLOY.sha256], []]);
    const two = await caller.notes.manifestRange({ projectId: 'app', files: [], range: rest });
    expect(two.deleted).toEqual(['docs/ops/deploy.md']);
    await caller.notes.upload({ projectId: 'app', files: [renamed] });
    expect((await caller.notes.list({ projectId: 'app' })).notes.map((n) => n.path)).toEqual([
      'docs/README.md',
      'docs/a-deploy.md',
      'docs/auth.md',
    ]);
  });

  it('applies an edit, a rename (a move: no upload), a copy and a deletion from one manifest', async () => {
    const { caller } = await synced();
    const edited = file('docs/README.md', '# Docs\n\nThe handbook of the payments and billing team.\n');
    const answer = await caller.notes.manifest({
      projectId: 'app',
      files: [
        line(edited),
        { ...line(AUTH), path: 'docs/security/auth.md' },
        { ...line(AUTH), path: 'docs/auth-copy.md' },
      ],
    });
    expect(answer.missing).toEqual([edited.sha256]);
    expect(answer.moved).toEqual([{ from: 'docs/auth.md', to: 'docs/auth-copy.md' }]);
    expect(answer.copied).toEqual([{ from: 'docs/auth-copy.md', to: 'docs/security/auth.md' }]);
    expect(answer.deleted).toEqual(['docs/ops/deploy.md']);
    // Until the upload, the old text stays searchable; then the new one replaces it.
    expect((await caller.notes.search({ query: 'billing' })).results).toEqual([]);
    await caller.notes.upload({ projectId: 'app', files: [edited] });
    const billing = (await caller.notes.search({ query: 'billing' })).results;
    expect(billing.map((r) => r.path)).toEqual(['docs/README.md']);
    expect((await caller.notes.search({ query: 'blue-green rollout' })).results).toEqual([]);
    // No chunk holds both words: those holding either (the any-word fallback, counted in notes).
    expect((await caller.notes.search({ query: 'billing zeppelin' })).results.map((r) => r.path)).toEqual([
      'docs/README.md',
    ]);
    const expiry = (await caller.notes.search({ query: 'ninety days' })).results;
    expect(expiry.map((r) => [r.path, r.heading, r.startLine, r.endLine]).sort()).toEqual([
      ['docs/auth-copy.md', '# Auth', 5, 8],
      ['docs/security/auth.md', '# Auth', 5, 8],
    ]);
  });

  it('swaps two notes by moving each, and a dry run changes nothing', async () => {
    const { caller } = await synced();
    const swapped = [
      { ...line(AUTH), path: README.path },
      { ...line(README), path: AUTH.path },
      line(DEPLOY),
    ];
    const dry = await caller.notes.manifest({ projectId: 'app', files: swapped, dryRun: true });
    expect(dry.moved).toHaveLength(2);
    expect((await caller.notes.get({ projectId: 'app', path: AUTH.path })).note.sha256).toBe(AUTH.sha256);
    const applied = await caller.notes.manifest({ projectId: 'app', files: swapped });
    expect(applied.missing).toEqual([]);
    expect((await caller.notes.get({ projectId: 'app', path: AUTH.path })).note.content).toBe(README.content);
    expect((await caller.notes.get({ projectId: 'app', path: README.path })).note.title).toBe(
      'Authentication',
    );
  });

  it('reads a note with its headings and the notes that link to it, by alias and by path', async () => {
    const { caller } = await synced();
    const { note, backlinks } = await caller.notes.get({ projectId: 'app', path: AUTH.path });
    expect(note.headings.map((h) => [h.text, h.line, h.slug])).toEqual([
      ['Auth', 5, 'auth'],
      ['Token expiry', 7, 'token-expiry'],
    ]);
    expect(backlinks).toEqual([{ path: 'docs/ops/deploy.md', title: 'Deploying', line: 3 }]);
  });

  it('refuses a text that does not hash to its sha256, a note over the limit, bad text and bad paths, storing nothing', async () => {
    const deps = await memoryDeps({ noteBytes: 200 });
    const { caller } = await userCaller(deps, 'alice');
    const good = file('docs/a.md', '# A\n');
    const refusals: [string, unknown][] = [
      [
        'BAD_REQUEST: the text of docs/b.md does not hash',
        [good, { ...file('docs/b.md', 'x'), sha256: sha('y') }],
      ],
      [
        'PAYLOAD_TOO_LARGE: docs/big.md is 300 bytes, over the limit of 200',
        [good, file('docs/big.md', 'x'.repeat(300))],
      ],
      ['BAD_REQUEST', [good, file('docs/bin.md', 'PNG\u0000data')]],
      ['BAD_REQUEST', [good, { path: 'docs/s.md', sha256: sha('a'), content: 'caf\ud800' }]],
      ['BAD_REQUEST', [good, file('../../etc/passwd.md', 'x')]],
      ['BAD_REQUEST', [good, file('/etc/passwd.md', 'x')]],
      ['BAD_REQUEST', [good, file('docs/n\u0000ul.md', 'x')]],
      ['BAD_REQUEST: the upload carries docs/a.md twice', [good, good]],
    ];
    for (const [expected, files] of refusals) {
      expect(await codeOf(caller.notes.upload({ projectId: 'app', files } as never))).toContain(expected);
    }
    expect((await caller.notes.list({})).notes).toEqual([]);
    expect(
      await codeOf(
        caller.notes.manifest({ projectId: 'app', files: [{ path: '../x.md', sha256: sha('x'), size: 1 }] }),
      ),
    ).toMatch(/^BAD_REQUEST/);
    expect(
      await codeOf(
        caller.notes.manifest({ projectId: 'app', files: [{ path: 'a.md', sha256: sha('x'), size: 300 }] }),
      ),
    ).toMatch(/^PAYLOAD_TOO_LARGE: a\.md is 300 bytes/);
  });

  it('deletes one note; a note that is not there is NOT_FOUND', async () => {
    const { caller } = await synced();
    expect(await caller.notes.delete({ projectId: 'app', path: DEPLOY.path })).toEqual({ deleted: true });
    expect(await codeOf(caller.notes.get({ projectId: 'app', path: DEPLOY.path }))).toMatch(/^NOT_FOUND/);
    expect(await codeOf(caller.notes.delete({ projectId: 'app', path: DEPLOY.path }))).toMatch(/^NOT_FOUND/);
    expect((await caller.notes.search({ query: 'rollout' })).results).toEqual([]);
  });

  it('pages the list with a cursor', async () => {
    const files = Array.from({ length: 7 }, (_, i) => file(`n/${i}.md`, `# Note ${i}\n`));
    const { caller } = await synced(files);
    const first = await caller.notes.list({ limit: 3 });
    const second = await caller.notes.list({ limit: 3, cursor: first.nextCursor! });
    const third = await caller.notes.list({ limit: 3, cursor: second.nextCursor! });
    expect([...first.notes, ...second.notes, ...third.notes].map((n) => n.path)).toEqual(
      files.map((f) => f.path),
    );
    expect(third.nextCursor).toBeNull();
  });
});
