// Every procedure, called as user B against user A's data and as no one: nothing of A's is
// returned or changed. A new procedure fails this test until it is listed here.
import { TRPCError } from '@trpc/server';
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { appRouter } from '../src/server/routers/_app.js';
import { uuidv7 } from '../src/shared/uuidv7.js';
import { callerWith, entriesFor, memoryDeps, userCaller } from './server-helpers.js';

const MARKER = 'alice-secret-marker';
const A_THREAD = { projectId: 'secret-proj', threadId: 'plans' };
const A_NOTE_TEXT = `# Plans\n\nThe ${MARKER} is in this note.\n`;
const A_NOTE = {
  projectId: 'secret-proj',
  path: 'docs/plans.md',
  sha256: createHash('sha256').update(A_NOTE_TEXT).digest('hex'),
};

const A_CODE_TEXT = `// The ${MARKER} lives here.\nexport function secretPlan(): string {\n  return 'plan';\n}\n`;
const A_CODE = {
  projectId: 'secret-proj',
  path: 'src/plan.ts',
  sha256: createHash('sha256').update(A_CODE_TEXT).digest('hex'),
};
const A_CODE_UPLOAD = {
  path: A_CODE.path,
  sha256: A_CODE.sha256,
  language: 'typescript',
  content: A_CODE_TEXT,
  chunks: [
    {
      kind: 'function' as const,
      symbol: 'secretPlan',
      container: '',
      signature: 'export function secretPlan(): string',
      startLine: 1,
      endLine: 4,
    },
  ],
};

async function world() {
  const deps = await memoryDeps();
  const alice = await userCaller(deps, 'alice');
  const bob = await userCaller(deps, 'bob');
  const aliceEntries = entriesFor(0, 2, MARKER);
  await alice.caller.threads.push({
    ...A_THREAD,
    status: 'active',
    createdAt: new Date(),
    entries: aliceEntries,
  });
  await alice.caller.notes.manifest({
    projectId: A_NOTE.projectId,
    files: [{ path: A_NOTE.path, sha256: A_NOTE.sha256, size: A_NOTE_TEXT.length }],
  });
  await alice.caller.notes.upload({
    projectId: A_NOTE.projectId,
    files: [{ path: A_NOTE.path, sha256: A_NOTE.sha256, content: A_NOTE_TEXT }],
  });
  await alice.caller.code.manifest({
    projectId: A_CODE.projectId,
    files: [{ path: A_CODE.path, sha256: A_CODE.sha256, size: A_CODE_TEXT.length }],
    url: 'https://git.example.com/alice/secret',
  });
  await alice.caller.code.upload({ projectId: A_CODE.projectId, files: [A_CODE_UPLOAD] });
  const anonymous = callerWith(deps);
  const forged = callerWith(deps, { bearer: `vlt_${'0'.repeat(12)}_${'A'.repeat(43)}` });
  /** A's thread, entries and token are exactly as they were. */
  const aliceIntact = async () => {
    const got = await callerWith(deps, { bearer: alice.token }).threads.get(A_THREAD);
    expect(got.entries.map((e) => [e.entryId, e.content])).toEqual(
      aliceEntries.map((e) => [e.entryId, e.content]),
    );
    expect((await callerWith(deps, { bearer: alice.token }).auth.me()).user.username).toBe('alice');
    const note = await callerWith(deps, { bearer: alice.token }).notes.get(A_NOTE);
    expect([note.note.content, note.note.sha256]).toEqual([A_NOTE_TEXT, A_NOTE.sha256]);
    const found = await callerWith(deps, { bearer: alice.token }).notes.search({ query: MARKER });
    expect(found.results.map((r) => r.path)).toEqual([A_NOTE.path]);
    const code = await callerWith(deps, { bearer: alice.token }).code.get({ ...A_CODE, line: 2 });
    expect([code.chunk.content, code.file.sha256, code.url]).toEqual([
      A_CODE_TEXT.trimEnd(),
      A_CODE.sha256,
      'https://git.example.com/alice/secret/src/plan.ts#L1-L4',
    ]);
    const inCode = await callerWith(deps, { bearer: alice.token }).code.search({ query: MARKER });
    expect(inCode.results.map((r) => r.path)).toEqual([A_CODE.path]);
  };
  return { deps, alice, bob, aliceEntries, anonymous, forged, aliceIntact };
}

type World = Awaited<ReturnType<typeof world>>;

/** Bob signed in to the web UI: a session, which may do what a token may not. */
async function bobSession(w: World) {
  const { secret } = await w.deps.accounts.createSession(w.bob.user.id);
  return callerWith(w.deps, { sessionSecret: secret });
}

async function codeOf(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
    return 'OK';
  } catch (error) {
    return error instanceof TRPCError ? error.code : `not a TRPCError: ${String(error)}`;
  }
}

/** What B can do to A's data with each procedure; each must leave A's data alone. */
const asOtherUser: Record<string, (w: World) => Promise<void>> = {
  'auth.signup': async (w) => {
    expect(await codeOf(w.anonymous.auth.signup({ username: 'alice', password: 'takeover attempt' }))).toBe(
      'CONFLICT',
    );
  },
  'auth.login': async (w) => {
    expect(await codeOf(w.anonymous.auth.login({ username: 'alice', password: 'guessing wrong' }))).toBe(
      'UNAUTHORIZED',
    );
  },
  'auth.logout': async (w) => {
    await w.bob.caller.auth.logout();
  },
  'auth.me': async (w) => {
    expect((await w.bob.caller.auth.me()).user.username).toBe('bob');
  },
  'tokens.create': async (w) => {
    // Only a web session makes tokens; Bob's makes Bob's.
    expect(await codeOf(w.bob.caller.tokens.create({ name: 'bob 2' }))).toBe('FORBIDDEN');
    await (await bobSession(w)).tokens.create({ name: 'bob 2' });
    const aliceTokens = await callerWith(w.deps, { bearer: w.alice.token }).tokens.list();
    expect(aliceTokens.tokens.map((t) => t.name)).toEqual(['test']);
  },
  'tokens.list': async (w) => {
    const { tokens } = await w.bob.caller.tokens.list();
    expect(tokens.map((t) => t.id)).not.toContain(w.alice.tokenId);
  },
  'tokens.revoke': async (w) => {
    expect(await codeOf(w.bob.caller.tokens.revoke({ id: w.alice.tokenId }))).toBe('FORBIDDEN');
    expect(await codeOf((await bobSession(w)).tokens.revoke({ id: w.alice.tokenId }))).toBe('NOT_FOUND');
  },
  'threads.push': async (w) => {
    // Same names and even A's entry ids: B gets a thread of B's own.
    const result = await w.bob.caller.threads.push({
      ...A_THREAD,
      status: 'archived',
      createdAt: new Date(),
      entries: w.aliceEntries.map((e) => ({ ...e, content: 'bob overwrites' })),
    });
    expect(result).toEqual({ syncedCount: 3, duplicateCount: 0, lastSyncedSequence: 2 });
    const bobs = await w.bob.caller.threads.get(A_THREAD);
    expect(bobs.entries.every((e) => e.content === 'bob overwrites')).toBe(true);
    const alices = await callerWith(w.deps, { bearer: w.alice.token }).threads.list({});
    expect(alices.threads[0]!.status).toBe('active');
  },
  'threads.syncStatus': async (w) => {
    expect(await w.bob.caller.threads.syncStatus(A_THREAD)).toEqual({
      lastSyncedSequence: -1,
      lastSyncAt: null,
      syncError: null,
    });
  },
  'threads.list': async (w) => {
    expect((await w.bob.caller.threads.list({})).threads).toEqual([]);
    expect((await w.bob.caller.threads.list({ projectId: 'secret-proj' })).threads).toEqual([]);
  },
  'threads.get': async (w) => {
    expect(await codeOf(w.bob.caller.threads.get(A_THREAD))).toBe('NOT_FOUND');
  },
  'threads.delete': async (w) => {
    expect(await codeOf(w.bob.caller.threads.delete(A_THREAD))).toBe('NOT_FOUND');
  },
  'threads.move': async (w) => {
    expect(await codeOf(w.bob.caller.threads.move({ ...A_THREAD, toProjectId: 'bobs' }))).toBe('NOT_FOUND');
    // Bob moving his own thread of the same name says nothing about Alice's.
    await w.bob.caller.threads.push({
      ...A_THREAD,
      status: 'active',
      createdAt: new Date(),
      entries: entriesFor(0, 0, 'bob'),
    });
    expect(await w.bob.caller.threads.move({ ...A_THREAD, toProjectId: 'bobs' })).toEqual({
      projectId: 'bobs',
      threadId: 'plans',
      moved: true,
    });
    expect((await w.bob.caller.threads.pull({})).changes).toHaveLength(1);
    expect((await callerWith(w.deps, { bearer: w.alice.token }).threads.pull({})).changes).toEqual([]);
  },
  'threads.setStatus': async (w) => {
    expect(await codeOf(w.bob.caller.threads.setStatus({ ...A_THREAD, status: 'archived' }))).toBe(
      'NOT_FOUND',
    );
    expect((await callerWith(w.deps, { bearer: w.alice.token }).threads.get(A_THREAD)).thread.status).toBe(
      'active',
    );
  },
  'threads.annotate': async (w) => {
    // Bob names Alice's entries: they are not his, so nothing is stored, and nothing of hers moves.
    const alice = callerWith(w.deps, { bearer: w.alice.token });
    await alice.threads.annotate({ tags: [{ entryId: w.aliceEntries[0]!.entryId, tag: 'hers' }] });
    const ids = w.aliceEntries.map((e) => e.entryId);
    const answer = await w.bob.caller.threads.annotate({
      tags: ids.map((entryId) => ({ entryId, tag: 'bobs' })),
      links: ids.map((entryId) => ({
        entryId,
        projectId: 'bobs',
        threadId: 'x',
        note: 'bob was here',
        at: new Date(),
      })),
    });
    expect(answer).toEqual({ tagsAdded: 0, linksSet: 0, unknownEntries: ids });
    const got = await alice.threads.get(A_THREAD);
    expect(got.entries.map((e) => [e.tags, e.links])).toEqual([
      [['hers'], []],
      [[], []],
      [[], []],
    ]);
    expect((await alice.threads.pull({})).annotations).toEqual([
      { entryId: ids[0], tag: 'hers', link: null },
    ]);
    // Alice's tag is not Bob's: his tag search, pull and Oracle find nothing of hers.
    expect((await w.bob.caller.threads.search({ query: 'tag:hers' })).results).toEqual([]);
    expect((await w.bob.caller.threads.pull({})).annotations).toEqual([]);
    expect((await w.bob.caller.oracle.ask({ question: MARKER, tag: 'hers' })).sources).toEqual([]);
  },
  'threads.editEntry': async (w) => {
    // Alice's entry id in Bob's hands: no such entry of his; hers keeps its text.
    const edit = {
      entryId: w.aliceEntries[0]!.entryId,
      revisionId: uuidv7(),
      content: 'bob edits',
      at: new Date(),
    };
    expect(await codeOf(w.bob.caller.threads.editEntry(edit))).toBe('NOT_FOUND');
    expect((await w.bob.caller.threads.pull({})).revisions).toEqual([]);
  },
  'threads.deleteEntry': async (w) => {
    const gone = { entryId: w.aliceEntries[1]!.entryId, revisionId: uuidv7(), at: new Date() };
    expect(await codeOf(w.bob.caller.threads.deleteEntry(gone))).toBe('NOT_FOUND');
    // Alice's own revision id, known to the server, is still nothing of Bob's.
    const alice = callerWith(w.deps, { bearer: w.alice.token });
    const hers = { entryId: w.aliceEntries[2]!.entryId, revisionId: uuidv7(), at: new Date() };
    await alice.threads.editEntry({ ...hers, content: `${MARKER} edited` });
    expect(await codeOf(w.bob.caller.threads.deleteEntry(hers))).toBe('NOT_FOUND');
    const got = await alice.threads.get(A_THREAD);
    expect(got.entries.map((e) => e.deleted)).toEqual([false, false, false]);
    expect(got.entries[2]!.content).toBe(`${MARKER} edited`);
    // aliceIntact compares the first texts: put hers back as a later edit.
    await alice.threads.editEntry({
      ...hers,
      revisionId: uuidv7(),
      content: w.aliceEntries[2]!.content,
      at: new Date(Date.now() + 1000),
    });
  },
  'threads.history': async (w) => {
    // Alice's edited entry in Bob's hands: nothing of his; she sees both texts.
    const alice = callerWith(w.deps, { bearer: w.alice.token });
    const hers = w.aliceEntries[0]!;
    const edit = {
      entryId: hers.entryId,
      revisionId: uuidv7(),
      content: `${MARKER} history`,
      at: new Date(),
    };
    await alice.threads.editEntry(edit);
    expect((await alice.threads.history({ entryId: hers.entryId })).revisions).toHaveLength(2);
    for (const entry of w.aliceEntries) {
      expect(await codeOf(w.bob.caller.threads.history({ entryId: entry.entryId }))).toBe('NOT_FOUND');
    }
    await alice.threads.editEntry({
      ...edit,
      revisionId: uuidv7(),
      content: hers.content,
      at: new Date(Date.now() + 1000),
    });
  },
  'threads.search': async (w) => {
    expect((await w.bob.caller.threads.search({ query: MARKER })).results).toEqual([]);
    expect((await w.bob.caller.threads.search({ query: MARKER, ...A_THREAD })).results).toEqual([]);
  },
  'threads.watch': async (w) => {
    expect(await codeOf(collect(await w.bob.caller.threads.watch({ ...A_THREAD, afterSequence: -1 })))).toBe(
      'NOT_FOUND',
    );
  },
  'threads.pull': async (w) => {
    expect((await w.bob.caller.threads.pull({})).entries).toEqual([]);
  },
  'threads.export': async (w) => {
    // Bob's download is a header and nothing else, even limited to Alice's project.
    for (const input of [{}, { projectId: A_THREAD.projectId }]) {
      const page = await w.bob.caller.threads.export(input);
      expect(page.lines).toHaveLength(1);
      expect(page.nextCursor).toBeNull();
    }
    // A cursor of Alice's export names her thread by its number: in Bob's hands it finds nothing of hers.
    const alices = await callerWith(w.deps, { bearer: w.alice.token }).threads.export({});
    expect(alices.lines.join('\n')).toContain(MARKER);
    for (const pk of [1, 2, 3]) {
      const cursor = Buffer.from(JSON.stringify([pk, -1, 5])).toString('base64url');
      expect(await codeOf(w.bob.caller.threads.export({ cursor }))).toBe('CONFLICT');
    }
  },
  'threads.summary': async (w) => {
    expect(await codeOf(w.bob.caller.threads.summary(A_THREAD))).toBe('NOT_FOUND');
    // Alice's own summary, asked first, is not handed to Bob from the cache either.
    const alices = await callerWith(w.deps, { bearer: w.alice.token }).threads.summary(A_THREAD);
    expect(alices.summary).toContain(MARKER);
    expect(await codeOf(w.bob.caller.threads.summary(A_THREAD))).toBe('NOT_FOUND');
  },
  'projects.list': async (w) => {
    expect((await w.bob.caller.projects.list()).projects).toEqual([]);
  },
  'oracle.ask': async (w) => {
    const answer = await w.bob.caller.oracle.ask({ question: `what is the ${MARKER}?` });
    expect(answer.sources).toEqual([]);
    // Naming A's project changes nothing.
    const scoped = await w.bob.caller.oracle.ask({
      question: `what is the ${MARKER}?`,
      projectId: 'secret-proj',
    });
    expect(scoped.sources).toEqual([]);
    expect(JSON.stringify(answer)).not.toContain(MARKER.split('-')[1]);
  },
  'notes.manifest': async (w) => {
    // Bob's manifest of the same project and path, with Alice's hash: he has nothing, so it is
    // missing (never a copy of Alice's text), and an empty manifest deletes only Bob's notes.
    const answer = await w.bob.caller.notes.manifest({
      projectId: A_NOTE.projectId,
      files: [{ path: 'docs/stolen.md', sha256: A_NOTE.sha256, size: 10 }],
    });
    expect(answer).toEqual({ missing: [A_NOTE.sha256], unchanged: 0, moved: [], copied: [], deleted: [] });
    expect(await w.bob.caller.notes.manifest({ projectId: A_NOTE.projectId, files: [] })).toMatchObject({
      deleted: [],
    });
    expect(await codeOf(w.bob.caller.notes.get({ ...A_NOTE, path: 'docs/stolen.md' }))).toBe('NOT_FOUND');
  },
  'notes.manifestRange': async (w) => {
    // A range of everything in Bob's view: Alice's note is never his to keep, move or delete.
    const range = { from: '', to: null };
    const answer = await w.bob.caller.notes.manifestRange({
      projectId: A_NOTE.projectId,
      files: [{ path: 'docs/stolen.md', sha256: A_NOTE.sha256, size: 10 }],
      range,
    });
    expect(answer).toEqual({ missing: [A_NOTE.sha256], unchanged: 0, moved: [], copied: [], deleted: [] });
    expect(
      await w.bob.caller.notes.manifestRange({ projectId: A_NOTE.projectId, files: [], range }),
    ).toMatchObject({ deleted: [] });
    expect(await codeOf(w.bob.caller.notes.get({ ...A_NOTE, path: 'docs/stolen.md' }))).toBe('NOT_FOUND');
  },
  'notes.upload': async (w) => {
    const text = 'bob overwrites';
    await w.bob.caller.notes.upload({
      projectId: A_NOTE.projectId,
      files: [{ path: A_NOTE.path, sha256: createHash('sha256').update(text).digest('hex'), content: text }],
    });
    expect((await w.bob.caller.notes.get(A_NOTE)).note.content).toBe(text);
  },
  'notes.list': async (w) => {
    expect((await w.bob.caller.notes.list({})).notes).toEqual([]);
    expect((await w.bob.caller.notes.list({ projectId: A_NOTE.projectId })).notes).toEqual([]);
  },
  'notes.get': async (w) => {
    expect(await codeOf(w.bob.caller.notes.get(A_NOTE))).toBe('NOT_FOUND');
  },
  'notes.search': async (w) => {
    expect((await w.bob.caller.notes.search({ query: MARKER })).results).toEqual([]);
    expect((await w.bob.caller.notes.search({ query: MARKER, projectId: A_NOTE.projectId })).results).toEqual(
      [],
    );
  },
  'notes.delete': async (w) => {
    expect(await codeOf(w.bob.caller.notes.delete(A_NOTE))).toBe('NOT_FOUND');
  },
  'code.manifest': async (w) => {
    // Bob's manifest of the same project and path, with Alice's hash: he has nothing, so it is
    // missing (never a copy of Alice's text); an empty manifest deletes only Bob's code, and his
    // url is his project's.
    const answer = await w.bob.caller.code.manifest({
      projectId: A_CODE.projectId,
      files: [{ path: 'src/stolen.ts', sha256: A_CODE.sha256, size: 10 }],
      url: 'https://bob.example.com/x',
    });
    expect(answer).toEqual({ missing: [A_CODE.sha256], unchanged: 0, moved: [], copied: [], deleted: [] });
    expect(
      await w.bob.caller.code.manifest({ projectId: A_CODE.projectId, files: [], url: null }),
    ).toMatchObject({ deleted: [] });
    expect(await codeOf(w.bob.caller.code.get({ ...A_CODE, path: 'src/stolen.ts', line: 1 }))).toBe(
      'NOT_FOUND',
    );
  },
  'code.manifestRange': async (w) => {
    const range = { from: '', to: null };
    const answer = await w.bob.caller.code.manifestRange({
      projectId: A_CODE.projectId,
      files: [{ path: 'src/stolen.ts', sha256: A_CODE.sha256, size: 10 }],
      range,
    });
    expect(answer).toEqual({ missing: [A_CODE.sha256], unchanged: 0, moved: [], copied: [], deleted: [] });
    expect(
      await w.bob.caller.code.manifestRange({ projectId: A_CODE.projectId, files: [], range }),
    ).toMatchObject({ deleted: [] });
  },
  'code.upload': async (w) => {
    const text = 'bob overwrites\n';
    await w.bob.caller.code.upload({
      projectId: A_CODE.projectId,
      files: [
        {
          ...A_CODE_UPLOAD,
          sha256: createHash('sha256').update(text).digest('hex'),
          content: text,
          chunks: [{ ...A_CODE_UPLOAD.chunks[0]!, endLine: 1 }],
        },
      ],
    });
    const bobs = await w.bob.caller.code.get({ ...A_CODE, line: 1 });
    expect([bobs.chunk.content, bobs.url]).toEqual(['bob overwrites', null]);
  },
  'code.list': async (w) => {
    expect((await w.bob.caller.code.list({})).files).toEqual([]);
    expect((await w.bob.caller.code.list({ projectId: A_CODE.projectId })).files).toEqual([]);
  },
  'code.get': async (w) => {
    expect(await codeOf(w.bob.caller.code.get({ ...A_CODE, line: 1 }))).toBe('NOT_FOUND');
  },
  'code.search': async (w) => {
    expect((await w.bob.caller.code.search({ query: MARKER })).results).toEqual([]);
    expect(
      (await w.bob.caller.code.search({ query: 'secretPlan', projectId: A_CODE.projectId })).results,
    ).toEqual([]);
    // Nor does his Oracle see it, asked in the code's own words.
    expect((await w.bob.caller.oracle.ask({ question: 'where is secretPlan?' })).sources).toEqual([]);
  },
  'code.delete': async (w) => {
    expect(await codeOf(w.bob.caller.code.delete(A_CODE))).toBe('NOT_FOUND');
  },
  'oracle.stream': async (w) => {
    const events = await collect(await w.bob.caller.oracle.stream({ question: `what is the ${MARKER}?` }));
    expect(JSON.stringify(events)).not.toMatch(/secret/);
    expect(events.at(-1)).toMatchObject({ type: 'done', sources: [] });
  },
};

async function collect(iterable: AsyncIterable<unknown>): Promise<unknown[]> {
  const items: unknown[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

/** A call of each procedure with valid input, for the anonymous and forged-token cases. */
const anyCall: Record<string, (c: World['anonymous']) => Promise<unknown>> = {
  'auth.logout': (c) => c.auth.logout(),
  'auth.me': (c) => c.auth.me(),
  'tokens.create': (c) => c.tokens.create({ name: 'x' }),
  'tokens.list': (c) => c.tokens.list(),
  'tokens.revoke': (c) => c.tokens.revoke({ id: 'abc' }),
  'threads.push': (c) =>
    c.threads.push({ ...A_THREAD, status: 'active', createdAt: new Date(), entries: entriesFor(0, 0) }),
  'threads.syncStatus': (c) => c.threads.syncStatus(A_THREAD),
  'threads.list': (c) => c.threads.list({}),
  'threads.get': (c) => c.threads.get(A_THREAD),
  'threads.delete': (c) => c.threads.delete(A_THREAD),
  'threads.move': (c) => c.threads.move({ ...A_THREAD, toProjectId: 'elsewhere' }),
  'threads.setStatus': (c) => c.threads.setStatus({ ...A_THREAD, status: 'blocked' }),
  'threads.search': (c) => c.threads.search({ query: MARKER }),
  'threads.editEntry': (c) =>
    c.threads.editEntry({ entryId: uuidv7(), revisionId: uuidv7(), content: 'x', at: new Date() }),
  'threads.deleteEntry': (c) =>
    c.threads.deleteEntry({ entryId: uuidv7(), revisionId: uuidv7(), at: new Date() }),
  'threads.history': (c) => c.threads.history({ entryId: uuidv7() }),
  'threads.annotate': (c) =>
    c.threads.annotate({ tags: [{ entryId: entriesFor(0, 0)[0]!.entryId, tag: 'x' }] }),
  'threads.pull': (c) => c.threads.pull({}),
  'threads.export': (c) => c.threads.export({}),
  'threads.summary': (c) => c.threads.summary(A_THREAD),
  'threads.watch': async (c) => collect(await c.threads.watch({ ...A_THREAD, afterSequence: -1 })),
  'projects.list': (c) => c.projects.list(),
  'oracle.ask': (c) => c.oracle.ask({ question: 'anything?' }),
  'notes.manifest': (c) => c.notes.manifest({ projectId: A_NOTE.projectId, files: [] }),
  'notes.manifestRange': (c) =>
    c.notes.manifestRange({ projectId: A_NOTE.projectId, files: [], range: { from: '', to: null } }),
  'notes.upload': (c) =>
    c.notes.upload({ projectId: A_NOTE.projectId, files: [{ ...A_NOTE, content: A_NOTE_TEXT }] }),
  'notes.list': (c) => c.notes.list({}),
  'notes.get': (c) => c.notes.get(A_NOTE),
  'notes.search': (c) => c.notes.search({ query: MARKER }),
  'notes.delete': (c) => c.notes.delete(A_NOTE),
  'code.manifest': (c) => c.code.manifest({ projectId: A_CODE.projectId, files: [] }),
  'code.manifestRange': (c) =>
    c.code.manifestRange({ projectId: A_CODE.projectId, files: [], range: { from: '', to: null } }),
  'code.upload': (c) => c.code.upload({ projectId: A_CODE.projectId, files: [A_CODE_UPLOAD] }),
  'code.list': (c) => c.code.list({}),
  'code.get': (c) => c.code.get({ ...A_CODE, line: 1 }),
  'code.search': (c) => c.code.search({ query: MARKER }),
  'code.delete': (c) => c.code.delete(A_CODE),
  'oracle.stream': async (c) => collect(await c.oracle.stream({ question: 'anything?' })),
};
const PUBLIC = ['auth.signup', 'auth.login'];

describe('authorization', () => {
  const procedures = Object.keys(appRouter._def.procedures).sort();

  it('covers every procedure of the router', () => {
    expect(Object.keys(asOtherUser).sort()).toEqual(procedures);
    expect([...Object.keys(anyCall), ...PUBLIC].sort()).toEqual(procedures);
  });

  it.each(Object.keys(asOtherUser))(
    '%s as another user returns and changes nothing of theirs',
    async (name) => {
      const w = await world();
      await asOtherUser[name]!(w);
      await w.aliceIntact();
    },
  );

  it.each(Object.keys(anyCall))('%s with no credentials or a forged token is UNAUTHORIZED', async (name) => {
    const w = await world();
    expect(await codeOf(anyCall[name]!(w.anonymous))).toBe('UNAUTHORIZED');
    expect(await codeOf(anyCall[name]!(w.forged))).toBe('UNAUTHORIZED');
    await w.aliceIntact();
  });
});
