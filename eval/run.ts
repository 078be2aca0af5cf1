// The Oracle's evaluation: recall@5, MRR@10 and the share of answers holding the fact, for each
// mode (server extractive, local vault, and the LLM when VLT_LLM_* name one).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThread, pushEntry } from '../src/cli/vault/append.js';
import { openVault } from '../src/cli/vault/open.js';
import { Vault } from '../src/cli/vault/vault.js';
import { createDeps } from '../src/server/context.js';
import { openServerDb } from '../src/server/db/index.js';
import { DEFAULT_LIMITS } from '../src/server/limits.js';
import type { EmbeddingsConfig } from '../src/server/services/embeddings.js';
import type { LlmConfig } from '../src/server/services/llm.js';
import { composeExtractive, NO_ANSWER } from '../src/shared/oracle.js';
import { uuidv7 } from '../src/shared/uuidv7.js';
import { fixtureEntries, QUESTIONS, UNANSWERABLE } from './fixture.js';

export interface ModeResult {
  mode: string;
  questions: number;
  recallAt5: number;
  mrrAt10: number;
  answerHasFact: number;
  saysNoAnswer: number;
  /** Questions whose entry was not in the top 5, or whose answer missed the fact. */
  misses: string[];
}

interface Asked {
  ranked: string[];
  answer: string;
}

function score(mode: string, ask: (question: string) => Promise<Asked>, keyToId: Map<string, string>) {
  return (async (): Promise<ModeResult> => {
    let recall = 0;
    let reciprocal = 0;
    let facts = 0;
    const misses: string[] = [];
    for (const q of QUESTIONS) {
      const { ranked, answer } = await ask(q.question);
      const rank = ranked.indexOf(keyToId.get(q.key)!);
      if (rank >= 0 && rank < 5) recall++;
      if (rank >= 0 && rank < 10) reciprocal += 1 / (rank + 1);
      if (q.fact.test(answer)) facts++;
      if (rank < 0 || rank >= 5 || !q.fact.test(answer)) misses.push(q.question);
    }
    let honest = 0;
    for (const question of UNANSWERABLE) if ((await ask(question)).answer === NO_ANSWER) honest++;
    const n = QUESTIONS.length;
    return {
      mode,
      questions: n,
      recallAt5: recall / n,
      mrrAt10: reciprocal / n,
      answerHasFact: facts / n,
      saysNoAnswer: honest / UNANSWERABLE.length,
      misses,
    };
  })();
}

async function serverMode(
  llm: LlmConfig | undefined,
  embeddings?: EmbeddingsConfig,
  database = ':memory:',
): Promise<ModeResult> {
  const deps = createDeps(await openServerDb(database), DEFAULT_LIMITS, {
    secret: randomBytes(32),
    llm,
    embeddings,
  });
  const user = await deps.accounts.signup('eval', 'evaluation password');
  const keyToId = new Map<string, string>();
  const seqs = new Map<string, number>();
  for (const entry of fixtureEntries()) {
    const name = `${entry.project}/${entry.thread}`;
    const seq = seqs.get(name) ?? 0;
    seqs.set(name, seq + 1);
    const entryId = uuidv7();
    if (entry.key) keyToId.set(entry.key, entryId);
    await deps.threads.push(user.id, {
      projectId: entry.project,
      threadId: entry.thread,
      status: 'active',
      createdAt: new Date(Date.UTC(2026, 0, 1)),
      entries: [
        {
          entryId,
          sequenceId: seq,
          content: entry.content,
          author: 'eval',
          timestamp: new Date(Date.UTC(2026, 0, 1, 0, seq)),
        },
      ],
    });
  }
  try {
    return await score(
      `${llm ? 'llm' : 'extractive'}${embeddings ? '+embed' : ''}${database.startsWith('pglite') ? ' (pg)' : ''}`,
      async (question) => {
        const ranked = (await deps.oracle.retrieve(user.id, question, { limit: 10 })).sources.map(
          (s) => s.entryId,
        );
        const { answer } = await deps.oracle.ask(user.id, { question });
        return { ranked, answer };
      },
      keyToId,
    );
  } finally {
    await deps.db.close();
  }
}

async function localMode(): Promise<ModeResult> {
  const dir = mkdtempSync(join(tmpdir(), 'vlt-eval-'));
  const db = openVault(join(dir, 'vault.db'), { create: true })!;
  const vault = new Vault(db);
  const keyToId = new Map<string, string>();
  const made = new Set<string>();
  for (const entry of fixtureEntries()) {
    const name = `${entry.project}/${entry.thread}`;
    const input = {
      project: entry.project,
      slug: entry.thread,
      content: entry.content,
      author: 'eval',
      server: null,
    };
    const written = made.has(name)
      ? pushEntry(db, input)
      : createThread(db, { ...input, projectName: entry.project });
    made.add(name);
    if (entry.key) keyToId.set(entry.key, written.entryId);
  }
  try {
    return await score(
      'local',
      async (question) => {
        const { stems, sources } = vault.oracleSources(question, { limit: 10 });
        return {
          ranked: sources.map((s) => s.entryId),
          answer: composeExtractive(stems, sources.slice(0, 5)),
        };
      },
      keyToId,
    );
  } finally {
    db.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

export async function runEval(llm?: LlmConfig, embeddings?: EmbeddingsConfig): Promise<ModeResult[]> {
  const results = [
    await serverMode(undefined),
    // The same server on PostgreSQL (PGlite, in this process): tsvector search instead of FTS5.
    await serverMode(undefined, undefined, 'pglite:memory'),
    await localMode(),
  ];
  if (embeddings) results.push(await serverMode(undefined, embeddings));
  if (llm) results.push(await serverMode(llm));
  return results;
}

export function formatResults(results: ModeResult[]): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`.padStart(7);
  const lines = ['mode              recall@5  MRR@10  answer has fact  says "no answer" when none'];
  for (const r of results) {
    lines.push(
      `${r.mode.padEnd(16)}  ${pct(r.recallAt5)}  ${r.mrrAt10.toFixed(3).padStart(6)}  ${pct(r.answerHasFact).padStart(15)}  ${pct(r.saysNoAnswer).padStart(26)}`,
    );
  }
  for (const r of results) if (r.misses.length) lines.push(`${r.mode} misses: ${r.misses.join(' | ')}`);
  return lines.join('\n');
}
