// Semantic retrieval against a real OpenAI-compatible /embeddings server on loopback.
import { sql } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FakeEmbeddings } from '../../../test/fake-embeddings.js';
import { entriesFor, memoryDeps, userCaller } from '../../../test/server-helpers.js';
import { cosine } from './embeddings.js';

// Concept 0: credentials (the question says "passcard", the entry "tokens"); concept 1: food.
const fake = new FakeEmbeddings([/token|passcard/i, /soup|lunch/i]);
beforeAll(() => fake.start());
afterAll(() => fake.stop());

async function seeded(withEmbeddings: boolean) {
  const deps = await memoryDeps(
    {},
    undefined,
    withEmbeddings
      ? { baseUrl: fake.url, model: 'fake-embed', apiKey: undefined, weight: 1, timeoutMs: 2000 }
      : undefined,
  );
  const alice = await userCaller(deps, 'alice');
  const contents = [
    'Access tokens expire after 15 minutes.',
    'Lunch was soup again.',
    'Deploys run on Tuesdays.',
  ];
  await alice.caller.threads.push({
    projectId: 'app',
    threadId: 'notes',
    status: 'active',
    createdAt: new Date(),
    entries: entriesFor(0, 2).map((e, i) => ({ ...e, content: contents[i]! })),
  });
  return { deps, alice };
}

describe('semantic retrieval', () => {
  it('finds an entry that shares no word with the question, which bm25 alone cannot', async () => {
    const question = 'When does my passcard stop working?';
    const plain = await seeded(false);
    expect((await plain.alice.caller.oracle.ask({ question })).sources).toEqual([]);
    const semantic = await seeded(true);
    const answer = await semantic.alice.caller.oracle.ask({ question });
    expect(answer.sources[0]).toMatchObject({ thread: 'notes', seq: 0 });
    expect(answer.note).toBeNull();
    // Entries were embedded once and stored; the next question embeds only itself.
    const stored = (await semantic.deps.db.get<{ n: number }>(
      sql`SELECT CAST(count(*) AS INTEGER) AS n FROM entry_embeddings`,
    ))!;
    expect(stored.n).toBe(3);
    const before = fake.inputs;
    await semantic.alice.caller.oracle.ask({ question: 'what about lunch?' });
    expect(fake.inputs - before).toBe(1);
  });

  it('falls back to bm25 alone when the endpoint fails, and says so', async () => {
    const { alice } = await seeded(true);
    fake.failing = true;
    try {
      const answer = await alice.caller.oracle.ask({ question: 'When do access tokens expire?' });
      expect(answer.sources[0]).toMatchObject({ seq: 0 });
      expect(answer.note).toMatch(/^bm25 only: the embeddings endpoint answered HTTP 503/);
    } finally {
      fake.failing = false;
    }
  });

  it('measures cosine similarity', () => {
    expect(cosine(Float32Array.from([1, 0]), Float32Array.from([2, 0]))).toBeCloseTo(1);
    expect(cosine(Float32Array.from([1, 0]), Float32Array.from([0, 3]))).toBeCloseTo(0);
    expect(cosine(Float32Array.from([0, 0]), Float32Array.from([1, 1]))).toBe(0);
  });
});
