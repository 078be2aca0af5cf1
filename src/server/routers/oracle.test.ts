// The Oracle through the router: extractive answers, and the LLM path against a real
// OpenAI-compatible server on loopback (test/fake-llm.ts), including its failures.
import { TRPCError } from '@trpc/server';
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeLlm } from '../../../test/fake-llm.js';
import { entriesFor, memoryDeps, userCaller } from '../../../test/server-helpers.js';
import type { ServerDeps } from '../context.js';

const llm = new FakeLlm();
beforeAll(() => llm.start());
afterAll(() => llm.stop());

async function seed(deps: ServerDeps) {
  const alice = await userCaller(deps, 'alice');
  const notes: [string, string, string][] = [
    [
      'app',
      'auth-refactor',
      'Decided: access tokens expire after 15 minutes. Refresh tokens live 90 days in an httpOnly cookie.',
    ],
    ['app', 'auth-refactor', 'Tried storing tokens in localStorage: rejected because of XSS.'],
    ['infra', 'ci-cache', 'The CI cache missed on every run because the lockfile hash included the date.'],
    ['infra', 'lunch', 'Soup on Tuesdays.'],
  ];
  const seqs = new Map<string, number>();
  for (const [projectId, threadId, content] of notes) {
    const key = `${projectId}/${threadId}`;
    const seq = seqs.get(key) ?? 0;
    seqs.set(key, seq + 1);
    await alice.caller.threads.push({
      projectId,
      threadId,
      status: 'active',
      createdAt: new Date(),
      entries: [{ ...entriesFor(seq, seq)[0]!, content }],
    });
  }
  return alice;
}

async function collect<T>(iterable: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) items.push(item);
  return items;
}

describe('oracle.ask without an LLM', () => {
  let alice: Awaited<ReturnType<typeof seed>>;
  beforeEach(async () => {
    alice = await seed(await memoryDeps());
  });

  it('answers extractively, citing the entries used', async () => {
    const answer = await alice.caller.oracle.ask({ question: 'When do access tokens expire?' });
    expect(answer.mode).toBe('extractive');
    // A short entry is quoted whole, then its citation.
    expect(answer.answer).toMatch(
      /access tokens expire after 15 minutes\. Refresh tokens live 90 days in an httpOnly cookie\. \[1\]/i,
    );
    expect(answer.sources[0]).toMatchObject({ project: 'app', thread: 'auth-refactor', seq: 0 });
    expect(answer.sources[0]!.snippet).toContain('**');
    expect(answer.sources[0]!.timestamp).toBeInstanceOf(Date);
    expect(answer.sources[0]).not.toHaveProperty('content');
  });

  it('restricts to a project, and says when the threads hold no answer', async () => {
    const scoped = await alice.caller.oracle.ask({ question: 'why did the cache miss?', projectId: 'app' });
    expect(scoped.sources.every((s) => s.project === 'app')).toBe(true);
    expect(scoped.answer).toBe('No confident answer in your threads.');
    const none = await alice.caller.oracle.ask({ question: 'Which Kubernetes version runs production?' });
    expect(none.answer).toBe('No confident answer in your threads.');
  });

  it('refuses a question over the limit, naming it', async () => {
    const error = await alice.caller.oracle.ask({ question: 'why '.repeat(600) }).catch((e: TRPCError) => e);
    expect((error as TRPCError).code).toBe('BAD_REQUEST');
    expect((error as TRPCError).message).toMatch(/over the limit of 2000/);
  });

  it('takes FTS syntax in a question as words, and refuses an empty question', async () => {
    for (const question of [
      '"access tokens',
      'tok*',
      'NEAR(access tokens)',
      'access -tokens',
      'col:access',
      '***',
      '"',
    ]) {
      const answer = await alice.caller.oracle.ask({ question });
      expect(typeof answer.answer, question).toBe('string');
    }
    const empty = await alice.caller.oracle.ask({ question: '   ' }).catch((e: TRPCError) => e);
    expect((empty as TRPCError).code).toBe('BAD_REQUEST');
  });

  it('streams the extractive answer, ending with the sources', async () => {
    const events = await collect(
      await alice.caller.oracle.stream({ question: 'When do access tokens expire?' }),
    );
    const done = events.at(-1)!;
    expect(done.type).toBe('done');
    const text = events.flatMap((e) => (e.type === 'text' ? [e.text] : [])).join('');
    if (done.type === 'done') expect(text.trim()).toBe(done.answer);
  });
});

describe("one user's data and another's answers", () => {
  it("leaves a user's answers and searches byte-identical whatever another user stores", async () => {
    const deps = await memoryDeps();
    const alice = await seed(deps);
    const questions = ['When do access tokens expire?', 'Why did the CI cache miss?', 'tok* cook* cach*'];
    const ask = async () =>
      JSON.stringify(
        await Promise.all(
          questions.map(async (question) => [
            await alice.caller.oracle.ask({ question }),
            await alice.caller.threads.search({ query: question }),
          ]),
        ),
      );
    const before = await ask();
    // Another user stores 1,100 entries holding the same words: over the Oracle's common-word
    // threshold (1,000) if the words were counted across users, and they would weigh in bm25.
    const bob = await userCaller(deps, 'bob');
    for (let batch = 0; batch < 11; batch++) {
      await bob.caller.threads.push({
        projectId: 'app',
        threadId: 'noise',
        status: 'active',
        createdAt: new Date(),
        entries: entriesFor(
          batch * 100,
          batch * 100 + 99,
          'access tokens expire, the CI cache missed, cookies',
        ),
      });
    }
    // The statistics an engine keeps of its tables (PostgreSQL's autovacuum gathers them too).
    await deps.db.run(sql`ANALYZE`);
    expect(await ask()).toBe(before);
  });
});

describe('oracle.ask with an LLM', () => {
  const withLlm = async (timeoutMs = 2000) =>
    seed(await memoryDeps({}, { baseUrl: llm.url, apiKey: 'sk-test', model: 'fake-model', timeoutMs }));

  it('asks with numbered sources and keeps only citations that point somewhere', async () => {
    llm.behaviour = 'cite';
    llm.requests = [];
    const alice = await withLlm();
    const answer = await alice.caller.oracle.ask({ question: 'When do access tokens expire?' });
    expect(answer.mode).toBe('llm');
    expect(answer.answer).toMatch(
      /^According to the notes, Decided: access tokens expire after 15 minutes\. \[1\]$/,
    );
    const request = llm.requests[0]!;
    expect(request).toMatchObject({ model: 'fake-model', auth: 'Bearer sk-test', stream: false });
    expect(request.messages[1]!.content).toMatch(/^Sources:\n\n\[1\] app\/auth-refactor#0/);
    expect(request.messages[0]!.content).toMatch(/Cite every claim/);
    // The neighbouring entry of the thread comes along as context.
    expect(request.messages[1]!.content).toMatch(
      /\(context, the entry after: Tried storing tokens in localStorage/,
    );
  });

  it.each([
    ['cite-nowhere', /the LLM cited no source/],
    ['error', /HTTP 500/],
    ['garbage', /no answer/],
    ['slow', /did not answer within 500 ms/],
  ] as const)('falls back to the extractive answer when the LLM %s, and says so', async (behaviour, note) => {
    llm.behaviour = behaviour;
    const alice = await withLlm(500);
    const answer = await alice.caller.oracle.ask({ question: 'When do access tokens expire?' });
    expect(answer.mode).toBe('extractive-fallback');
    expect(answer.note).toMatch(note);
    expect(answer.answer).toMatch(/15 minutes\. .*\[1\]/);
  });

  it('streams the LLM answer as it comes, then the sources', async () => {
    llm.behaviour = 'cite';
    const alice = await withLlm();
    const events = await collect(
      await alice.caller.oracle.stream({ question: 'When do access tokens expire?' }),
    );
    const pieces = events.filter((e) => e.type === 'text');
    expect(pieces.length).toBeGreaterThan(3);
    const done = events.at(-1)!;
    expect(done).toMatchObject({ type: 'done', mode: 'llm' });
    if (done.type === 'done') expect(done.answer).not.toContain('[7]');
    expect(llm.requests.at(-1)!.stream).toBe(true);
  });
});
