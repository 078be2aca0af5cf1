// The Oracle's evaluation on two sets, the fixture (planted facts among filler) and the development
// set (real documentation from node_modules): recall@5, MRR@10, the right thread among the first 5
// sources, answers holding the fact, and "no answer" (declined when the threads cannot answer,
// and wrongly declined when they can), for each mode: server extractive on SQLite and on
// PostgreSQL (PGlite), the local vault, and the LLM or embeddings when configured.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createThread, pushEntry } from '../src/cli/vault/append.js';
import { openVault } from '../src/cli/vault/open.js';
import { Vault } from '../src/cli/vault/vault.js';
import { createDeps } from '../src/server/context.js';
import { openServerDb, type ServerDb } from '../src/server/db/index.js';
import { DEFAULT_LIMITS } from '../src/server/limits.js';
import type { EmbeddingsConfig } from '../src/server/services/embeddings.js';
import type { LlmConfig } from '../src/server/services/llm.js';
import { composeExtractive, NO_ANSWER, type SentSource } from '../src/shared/oracle.js';
import { RETRIEVAL, type RetrievalSettings } from '../src/shared/retrieval.js';
import { uuidv7 } from '../src/shared/uuidv7.js';
import { devEntries, DEV_QUESTIONS, DEV_UNANSWERABLE } from './devset.js';
import { fixtureEntries, QUESTIONS, UNANSWERABLE, type FixtureEntry } from './fixture.js';

/** One evaluation set: entries to load, questions with the entries that answer them. */
export interface EvalSet {
  name: string;
  entries: FixtureEntry[];
  questions: {
    question: string;
    /** Indexes (in `entries`) of the entries that answer it. */
    relevant: number[];
    /** A regular expression the answer matches, or words of which it holds at least 60%. */
    fact: RegExp | string;
  }[];
  unanswerable: string[];
}

export function fixtureSet(): EvalSet {
  const entries = fixtureEntries();
  return {
    name: 'fixture',
    entries,
    questions: QUESTIONS.map((q) => ({
      question: q.question,
      relevant: entries.flatMap((e, i) => (e.key === q.key ? [i] : [])),
      fact: q.fact,
    })),
    unanswerable: UNANSWERABLE,
  };
}

const collapse = (text: string) => text.replace(/\s+/g, ' ');

export function devSet(): EvalSet {
  const entries = devEntries();
  const texts = entries.map((e) => collapse(e.content));
  return {
    name: 'dev',
    entries,
    questions: DEV_QUESTIONS.map((q) => {
      const anchors = (Array.isArray(q.anchor) ? q.anchor : [q.anchor]).map(collapse);
      const relevant = texts.flatMap((t, i) => (anchors.some((a) => t.includes(a)) ? [i] : []));
      if (relevant.length === 0) throw new Error(`dev set: no entry holds the answer to "${q.question}"`);
      return { question: q.question, relevant, fact: q.fact };
    }),
    unanswerable: DEV_UNANSWERABLE,
  };
}

const words = (text: string) => text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];

/** Whether an answer holds the fact: the regular expression, or at least 60% of the fact's words. */
export function holdsFact(answer: string, fact: RegExp | string): boolean {
  if (fact instanceof RegExp) return fact.test(answer);
  const said = new Set(words(answer));
  const needed = words(fact);
  return needed.filter((w) => said.has(w)).length >= 0.6 * needed.length;
}

export interface SetResult {
  set: string;
  mode: string;
  questions: number;
  recallAt5: number;
  mrrAt10: number;
  /** The thread of an answering entry among the threads of the first 5 sources. */
  threadAt5: number;
  answerHasFact: number;
  /** Unanswerable questions answered "no answer". */
  saysNoAnswer: number;
  /** Answerable questions answered "no answer" (lower is better). */
  wrongNoAnswer: number;
  /** Questions whose entry was not in the top 5, or whose answer missed the fact. */
  misses: string[];
}

interface Asked {
  /** Entry ids, best first: the first 10. */
  ranked: { entryId: string; thread: string }[];
  /** The sources the answer was drawn from (5, as `oracle.ask` gives by default). */
  sources: { entryId: string; thread: string }[];
  answer: string;
}

/** A mode loaded with a set: how to ask it, the entry id of each entry, and how to close it. */
interface Loaded {
  ask(question: string): Promise<Asked>;
  ids: string[];
  close(): Promise<void>;
}

async function score(mode: string, set: EvalSet, loaded: Loaded): Promise<SetResult> {
  let recall = 0;
  let reciprocal = 0;
  let threads = 0;
  let facts = 0;
  let wrongNoAnswer = 0;
  const misses: string[] = [];
  for (const q of set.questions) {
    const { ranked, sources, answer } = await loaded.ask(q.question);
    const relevantIds = new Set(q.relevant.map((i) => loaded.ids[i]!));
    const relevantThreads = new Set(q.relevant.map((i) => threadKey(set.entries[i]!)));
    const rank = ranked.findIndex((s) => relevantIds.has(s.entryId));
    const found = sources.some((s) => relevantIds.has(s.entryId));
    if (found) recall++;
    if (rank >= 0 && rank < 10) reciprocal += 1 / (rank + 1);
    if (sources.some((s) => relevantThreads.has(s.thread))) threads++;
    const hasFact = holdsFact(answer, q.fact);
    if (hasFact) facts++;
    if (answer === NO_ANSWER) wrongNoAnswer++;
    if (!found || !hasFact) misses.push(q.question);
  }
  let honest = 0;
  for (const question of set.unanswerable) if ((await loaded.ask(question)).answer === NO_ANSWER) honest++;
  const n = set.questions.length;
  return {
    set: set.name,
    mode,
    questions: n,
    recallAt5: recall / n,
    mrrAt10: reciprocal / n,
    threadAt5: threads / n,
    answerHasFact: facts / n,
    saysNoAnswer: honest / set.unanswerable.length,
    wrongNoAnswer: wrongNoAnswer / n,
    misses,
  };
}

const threadKey = (e: { project: string; thread: string }) => `${e.project}/${e.thread}`;

/** Sources as the scores compare them: an entry by its id and thread, a note chunk by its place. */
const sourceIds = (list: SentSource[]) =>
  list.map((s) =>
    s.kind === 'note'
      ? { entryId: `${s.project}:${s.path}:${s.startLine}`, thread: `${s.project}:${s.path}` }
      : { entryId: s.entryId, thread: threadKey(s) },
  );

/** A server in this process (SQLite or PGlite): each set is loaded as its own user. */
async function openServer(options: {
  llm?: LlmConfig | undefined;
  embeddings?: EmbeddingsConfig | undefined;
  /** A database URL, or a function that opens one (a test's copy of a migrated PGlite). */
  database: string | (() => Promise<ServerDb>);
  settings?: Partial<RetrievalSettings> | undefined;
}) {
  const db =
    typeof options.database === 'string' ? await openServerDb(options.database) : await options.database();
  const deps = createDeps(db, DEFAULT_LIMITS, {
    secret: randomBytes(32),
    llm: options.llm,
    embeddings: options.embeddings,
    retrieval: options.settings,
  });
  let users = 0;
  const load = async (set: EvalSet): Promise<Loaded> => {
    const user = await deps.accounts.signup(`eval${users++}`, 'evaluation password');
    const ids = set.entries.map(() => uuidv7());
    // Each thread's entries in order, sent in batches as the CLI sends them.
    const byThread = new Map<string, number[]>();
    set.entries.forEach((e, i) => byThread.set(threadKey(e), [...(byThread.get(threadKey(e)) ?? []), i]));
    for (const indexes of byThread.values()) {
      const first = set.entries[indexes[0]!]!;
      for (let from = 0; from < indexes.length; from += DEFAULT_LIMITS.batchEntries) {
        await deps.threads.push(user.id, {
          projectId: first.project,
          threadId: first.thread,
          status: 'active',
          createdAt: new Date(Date.UTC(2026, 0, 1)),
          entries: indexes.slice(from, from + DEFAULT_LIMITS.batchEntries).map((index, j) => ({
            entryId: ids[index]!,
            sequenceId: from + j,
            content: set.entries[index]!.content,
            author: 'eval',
            timestamp: new Date(Date.UTC(2026, 0, 1, 0, from + j)),
          })),
        });
      }
    }
    return {
      ids,
      async ask(question) {
        const ranked = (await deps.oracle.retrieve(user.id, question, { limit: 10 })).sources;
        const { answer, sources } = await deps.oracle.ask(user.id, { question });
        return { ranked: sourceIds(ranked), sources: sourceIds(sources), answer };
      },
      close: () => Promise.resolve(),
    };
  };
  return { load, close: () => deps.db.close() };
}

function loadLocal(set: EvalSet, settings?: Partial<RetrievalSettings>): Loaded {
  const dir = mkdtempSync(join(tmpdir(), 'vlt-eval-'));
  const db = openVault(join(dir, 'vault.db'), { create: true })!;
  const vault = new Vault(db);
  const made = new Set<string>();
  const ids = set.entries.map((entry) => {
    const input = {
      project: entry.project,
      slug: entry.thread,
      content: entry.content,
      author: 'eval',
      server: null,
    };
    const written = made.has(threadKey(entry))
      ? pushEntry(db, input)
      : createThread(db, { ...input, projectName: entry.project });
    made.add(threadKey(entry));
    return written.entryId;
  });
  return {
    ids,
    async ask(question) {
      const ranked = (await vault.oracleSources(question, { limit: 10, settings })).sources;
      const { terms, sources } = await vault.oracleSources(question, { limit: 5, settings });
      return {
        ranked: sourceIds(ranked),
        sources: sourceIds(sources),
        answer: composeExtractive(terms, sources, { ...RETRIEVAL, ...settings }.noAnswer),
      };
    },
    close() {
      db.close();
      rmSync(dir, { recursive: true, force: true });
      return Promise.resolve();
    },
  };
}

async function measure(
  mode: string,
  sets: EvalSet[],
  open: () => Promise<{ load: (set: EvalSet) => Promise<Loaded>; close: () => Promise<void> }>,
) {
  const results: SetResult[] = [];
  const opened = await open();
  try {
    for (const set of sets) {
      const loaded = await opened.load(set);
      try {
        results.push(await score(mode, set, loaded));
      } finally {
        await loaded.close();
      }
    }
  } finally {
    await opened.close();
  }
  return results;
}

const local = (settings?: Partial<RetrievalSettings>) => () =>
  Promise.resolve({
    load: (set: EvalSet) => Promise.resolve(loadLocal(set, settings)),
    close: () => Promise.resolve(),
  });

export type EvalMode = 'extractive' | 'extractive (pg)' | 'local';

export async function runEval(
  llm?: LlmConfig,
  embeddings?: EmbeddingsConfig,
  options: {
    sets?: EvalSet[];
    settings?: Partial<RetrievalSettings>;
    modes?: EvalMode[];
    /** Opens the PostgreSQL database of 'extractive (pg)'; by default a new `pglite:memory`. */
    openPostgres?: () => Promise<ServerDb>;
  } = {},
): Promise<SetResult[]> {
  const sets = options.sets ?? [fixtureSet(), devSet()];
  const { settings } = options;
  const modes = options.modes ?? ['extractive', 'extractive (pg)', 'local'];
  const results: SetResult[] = [];
  if (modes.includes('extractive')) {
    results.push(
      ...(await measure('extractive', sets, () => openServer({ database: ':memory:', settings }))),
    );
  }
  // The same server on PostgreSQL (PGlite, in this process): tsvector search instead of FTS5.
  if (modes.includes('extractive (pg)')) {
    results.push(
      ...(await measure('extractive (pg)', sets, () =>
        openServer({ database: options.openPostgres ?? 'pglite:memory', settings }),
      )),
    );
  }
  if (modes.includes('local')) results.push(...(await measure('local', sets, local(settings))));
  if (embeddings) {
    results.push(
      ...(await measure('extractive+embed', sets, () =>
        openServer({ embeddings, database: ':memory:', settings }),
      )),
    );
  }
  if (llm) {
    results.push(...(await measure('llm', sets, () => openServer({ llm, database: ':memory:', settings }))));
  }
  return results;
}

/** The table; with `showMisses`, every question missed (the fixture's always: they are few). */
export function formatResults(results: SetResult[], showMisses = false): string {
  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  const header = [
    'set',
    'mode',
    'recall@5',
    'MRR@10',
    'thread@5',
    'answer has fact',
    '"no answer" when none',
    '"no answer" wrongly',
  ];
  const rows = results.map((r) => [
    `${r.set} (${r.questions})`,
    r.mode,
    pct(r.recallAt5),
    r.mrrAt10.toFixed(3),
    pct(r.threadAt5),
    pct(r.answerHasFact),
    pct(r.saysNoAnswer),
    pct(r.wrongNoAnswer),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const lines = [line(header), ...rows.map(line)];
  for (const r of results) {
    if (r.misses.length && (showMisses || r.set === 'fixture')) {
      lines.push(`${r.set} / ${r.mode} misses (${r.misses.length}): ${r.misses.join(' | ')}`);
    }
  }
  return lines.join('\n');
}
