// Thread summaries on the server: the deterministic summary of src/shared/summary.ts (the one the
// CLI makes), or, with an LLM configured, the LLM's summary made from the entries with its
// citations checked as the Oracle checks them, falling back to the deterministic one and saying why.
import {
  buildSummaryPrompt,
  checkSummary,
  summarizeThread,
  summarySources,
  SUMMARY_VERSION,
} from '../../shared/summary.js';
import { complete, LlmError, type LlmConfig } from './llm.js';
import type { ThreadRow, Threads } from './threads.js';

export type SummaryMode = 'deterministic' | 'llm';

export interface SummaryAnswer {
  projectId: string;
  threadId: string;
  status: string;
  summary: string;
  /** The last entry the summary was made from (null: the thread has none). */
  currentTo: { sequenceId: number; entryId: string } | null;
  mode: SummaryMode;
  /** Why the summary is the deterministic one although an LLM is configured. */
  note: string | null;
  version: number;
}

/** Threads whose summaries are kept in memory (the most recent ones); each instance keeps its own. */
const CACHED_THREADS = 1000;
/** How long a summary that fell back from a failing LLM is kept before the LLM is asked again. */
const FALLBACK_KEPT_MS = 60_000;

interface Cached {
  basis: string;
  answer: Promise<SummaryAnswer>;
  /** When to make it again even if the thread has not changed (a fallback), in ms since the epoch. */
  until: number;
}

export class Summaries {
  /** Per user and thread, the summary of the thread as it was (`basis`): a thread that changes gets a new one. */
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly threads: Threads,
    private readonly llm: LlmConfig | undefined,
  ) {}

  async summary(userId: string, input: { projectId: string; threadId: string }): Promise<SummaryAnswer> {
    const thread = await this.threads.thread(userId, input.projectId, input.threadId);
    const key = `${userId}\u0000${thread.pk}`;
    // An edit or a deletion moves the thread's last activity (services/threads.ts revise).
    const basis = JSON.stringify([
      thread.projectId,
      thread.threadId,
      thread.status,
      thread.entryCount,
      thread.lastActivityAt,
    ]);
    const cached = this.cache.get(key);
    if (cached && cached.basis === basis && Date.now() < cached.until) return cached.answer;
    const entry: Cached = { basis, answer: this.make(thread), until: Infinity };
    this.cache.delete(key);
    this.cache.set(key, entry);
    if (this.cache.size > CACHED_THREADS) this.cache.delete(this.cache.keys().next().value!);
    try {
      const answer = await entry.answer;
      if (answer.note !== null) entry.until = Date.now() + FALLBACK_KEPT_MS;
      return answer;
    } catch (error) {
      if (this.cache.get(key) === entry) this.cache.delete(key);
      throw error;
    }
  }

  private async make(thread: ThreadRow): Promise<SummaryAnswer> {
    const rows = await this.threads.allEntries(thread.pk);
    const entries = rows.map((e) => ({ ...e, seq: e.sequenceId }));
    const made = summarizeThread({
      project: thread.projectId,
      thread: thread.threadId,
      status: thread.status,
      entries,
    });
    const last = rows.at(-1);
    const answer = (summary: string, mode: SummaryMode, note: string | null): SummaryAnswer => ({
      projectId: thread.projectId,
      threadId: thread.threadId,
      status: thread.status,
      summary,
      currentTo: last ? { sequenceId: last.sequenceId, entryId: last.entryId } : null,
      mode,
      note,
      version: SUMMARY_VERSION,
    });
    if (!this.llm || rows.length === 0) return answer(made.text, 'deterministic', null);
    const sources = summarySources(entries, made);
    const { system, user } = buildSummaryPrompt(
      { project: thread.projectId, thread: thread.threadId, status: thread.status },
      sources,
    );
    try {
      const checked = checkSummary(await complete(this.llm, system, user), thread.threadId, sources);
      if (checked === undefined) {
        return answer(made.text, 'deterministic', 'the LLM cited no entry: the deterministic summary');
      }
      return answer(checked, 'llm', null);
    } catch (error) {
      if (!(error instanceof LlmError)) throw error;
      return answer(made.text, 'deterministic', `${error.message}: the deterministic summary`);
    }
  }
}
