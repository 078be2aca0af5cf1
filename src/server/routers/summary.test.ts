// threads.summary through the router: the deterministic summary the CLI makes, and the LLM's
// against a real OpenAI-compatible server on loopback (test/fake-llm.ts), with its fallbacks.
import { TRPCError } from '@trpc/server';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { FakeLlm } from '../../../test/fake-llm.js';
import { entriesFor, memoryDeps, userCaller } from '../../../test/server-helpers.js';
import { summarizeThread, SUMMARY_MAX_CHARS } from '../../shared/summary.js';

const llm = new FakeLlm();
beforeAll(() => llm.start());
afterAll(() => llm.stop());

const THREAD = { projectId: 'app', threadId: 'auth-refactor' };
const NOTES = [
  'Goal: move sessions to JWT.',
  'Tried refresh tokens in cookies: CORS got in the way.',
  'Decided: access tokens expire after 15 minutes.',
  'Blocked by the key rotation service.',
];

async function seeded(llmConfig?: Parameters<typeof memoryDeps>[1]) {
  const deps = await memoryDeps({}, llmConfig);
  const alice = await userCaller(deps, 'alice');
  const push = (from: number, contents: string[]) =>
    alice.caller.threads.push({
      ...THREAD,
      status: 'active',
      createdAt: new Date(),
      entries: entriesFor(from, from + contents.length - 1).map((e, i) => ({ ...e, content: contents[i]! })),
    });
  await push(0, NOTES);
  return { deps, alice, push };
}

describe('threads.summary without an LLM', () => {
  it('is the deterministic summary the CLI makes, current to the last entry', async () => {
    const { alice, push } = await seeded();
    const summary = await alice.caller.threads.summary(THREAD);
    const entries = (await alice.caller.threads.get(THREAD)).entries;
    expect(summary).toMatchObject({
      ...THREAD,
      status: 'active',
      mode: 'deterministic',
      note: null,
      currentTo: { sequenceId: 3, entryId: entries[3]!.entryId },
    });
    expect(summary.summary).toBe(
      summarizeThread({
        project: 'app',
        thread: 'auth-refactor',
        status: 'active',
        entries: NOTES.map((content, seq) => ({ seq, content })),
      }).text,
    );
    expect(summary.summary).toContain('Decided: access tokens expire after 15 minutes. [auth-refactor#2]');
    // The same twice; a new entry is in the next one.
    expect(await alice.caller.threads.summary(THREAD)).toEqual(summary);
    await push(4, ['Unblocked: rotation is live.']);
    const after = await alice.caller.threads.summary(THREAD);
    expect(after.currentTo?.sequenceId).toBe(4);
    expect(after.summary).not.toContain('Blockers:');
    expect(after.summary).toContain('Unblocked: rotation is live. [auth-refactor#4]');
  });

  it('is NOT_FOUND for a thread the user does not have', async () => {
    const { alice } = await seeded();
    const error = await alice.caller.threads
      .summary({ projectId: 'app', threadId: 'nope' })
      .catch((e: TRPCError) => e);
    expect((error as TRPCError).code).toBe('NOT_FOUND');
  });

  it('stays under the cap for a long thread', async () => {
    const { alice, push } = await seeded();
    for (let from = 4; from < 1004; from += 100) {
      await push(
        from,
        Array.from({ length: 100 }, (_, i) => `Decided ${from + i}: ${'a reason '.repeat(30)}`),
      );
    }
    const summary = await alice.caller.threads.summary(THREAD);
    expect(summary.summary.length).toBeLessThanOrEqual(SUMMARY_MAX_CHARS);
    expect(summary.summary).toContain('[auth-refactor#1003]');
  });
});

describe('threads.summary with an LLM', () => {
  const config = (timeoutMs = 2000) => ({
    baseUrl: llm.url,
    apiKey: 'sk-test',
    model: 'fake-model',
    timeoutMs,
  });
  beforeEach(() => {
    llm.behaviour = 'cite';
    llm.requests = [];
  });

  it("is the LLM's summary from the entries, its citations checked and made thread#seq", async () => {
    const { alice } = await seeded(config());
    const summary = await alice.caller.threads.summary(THREAD);
    expect(summary.mode).toBe('llm');
    expect(summary.note).toBeNull();
    // The fake quotes source [1] (entry 0) and cites [1] and [7]; [7] is no source and goes.
    expect(summary.summary).toBe('According to the notes, Goal: move sessions to JWT. [auth-refactor#0]');
    const request = llm.requests[0]!;
    expect(request.model).toBe('fake-model');
    expect(request.messages[1]!.content).toContain(
      '[3] app/auth-refactor#2 (agent):\nDecided: access tokens',
    );
    // Asked once for the same entries.
    await alice.caller.threads.summary(THREAD);
    expect(llm.requests).toHaveLength(1);
  });

  it.each([
    ['cites no entry', 'cite-nowhere', 'the LLM cited no entry'],
    ['fails', 'error', 'the LLM answered HTTP 500'],
    ['answers nothing', 'garbage', 'the LLM returned no answer'],
    ['is too slow', 'slow', 'the LLM did not answer within 300 ms'],
  ] as const)(
    'falls back to the deterministic summary when the LLM %s, and says so',
    async (_what, behaviour, note) => {
      llm.behaviour = behaviour;
      const { alice } = await seeded(config(300));
      const summary = await alice.caller.threads.summary(THREAD);
      expect(summary.mode).toBe('deterministic');
      expect(summary.note).toBe(`${note}: the deterministic summary`);
      expect(summary.summary).toContain('Decided: access tokens expire after 15 minutes. [auth-refactor#2]');
    },
  );
});
