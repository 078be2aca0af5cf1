// The Oracle: retrieval over the user's entries (FTS5 bm25, re-ranked by how many of the
// question's words an entry and its thread hold), then an extractive answer, or an LLM's answer
// when one is configured, always with citations to the entries used.
import { TRPCError } from '@trpc/server';
import { sql } from 'drizzle-orm';
import {
  buildPrompt,
  checkCitations,
  composeExtractive,
  NO_ANSWER,
  questionToQuery,
  pruneCommon,
  finishSources,
  fuseRankings,
  rerank,
  type OracleSource,
  type RetrievedRow,
} from '../../shared/oracle.js';
import { ORACLE_CANDIDATES } from '../../shared/fts5.js';
import type { ServerDb } from '../db/index.js';
import type { Limits } from '../limits.js';
import { EmbeddingsError, type Embeddings } from './embeddings.js';
import { complete, completeStream, LlmError, type LlmConfig } from './llm.js';

export type OracleMode = 'extractive' | 'llm' | 'extractive-fallback';

export interface OracleAnswer {
  answer: string;
  mode: OracleMode;
  /** Why the mode is what it is, when that is worth saying (an LLM failure). */
  note: string | null;
  sources: Omit<OracleSource, 'content'>[];
}

const ROW_COLUMNS = sql.raw(
  `e.pk AS pk, e.content, e.entry_id AS "entryId", e.sequence_id AS seq, e.author, e.timestamp,
   t.project_id AS project, t.thread_id AS thread`,
);
export class Oracle {
  constructor(
    private readonly db: ServerDb,
    private readonly limits: Limits,
    private readonly llm: LlmConfig | undefined,
    private readonly embeddings?: Embeddings,
  ) {}

  private check(question: string, limit: number | undefined): number {
    if ([...question].length > this.limits.questionChars) {
      throw new TRPCError({
        code: 'BAD_REQUEST',
        message: `the question is ${[...question].length} characters, over the limit of ${this.limits.questionChars}: shorten it`,
      });
    }
    return Math.min(limit ?? 5, 20);
  }

  /** The best sources for a question, and a note when semantic retrieval was meant to help but failed. */
  async retrieve(
    userId: string,
    question: string,
    options: { projectId?: string; limit: number },
  ): Promise<{ query: ReturnType<typeof questionToQuery>; sources: OracleSource[]; note: string | null }> {
    const query = questionToQuery(question);
    if (!query) return { query, sources: [], note: null };
    // Words most of the user's entries hold are left out (bm25 gives them almost no weight):
    // counted in the user's own entries, never the server's.
    const { counts, total } = await this.db.search.documentCounts(userId, query.terms);
    const frequency = new Map(query.terms.map((term, i) => [term, counts[i] ?? 0]));
    const kept = pruneCommon(query.terms, (term) => frequency.get(term) ?? 0, total);
    const candidates = await this.db.search.candidates(userId, kept, options.projectId, ORACLE_CANDIDATES);
    const ranked = rerank(candidates, query.stems);
    if (!this.embeddings) return { query, sources: finishSources(ranked, query, options.limit), note: null };

    // Semantic retrieval, fused with bm25's ranking by reciprocal rank.
    let nearest: number[];
    try {
      nearest = await this.embeddings.nearest(userId, question, ORACLE_CANDIDATES, options.projectId);
    } catch (error) {
      if (!(error instanceof EmbeddingsError)) throw error;
      return {
        query,
        sources: finishSources(ranked, query, options.limit),
        note: `bm25 only: ${error.message}`,
      };
    }
    const byPk =
      nearest.length === 0
        ? []
        : await this.db.all<Omit<RetrievedRow, 'rank'> & { pk: number }>(sql`
            SELECT ${ROW_COLUMNS} FROM entries e JOIN threads t ON t.pk = e.thread_pk
            WHERE e.user_id = ${userId} AND e.pk IN (${sql.join(
              nearest.map((pk) => sql`${pk}`),
              sql`, `,
            )})`);
    const semantic = rerank(
      byPk.map((row) => ({ ...row, rank: 0 })),
      query.stems,
    );
    const pool = new Map([...semantic, ...ranked].map((s) => [s.entryId, s]));
    const pkToId = new Map(byPk.map((row) => [row.pk, row.entryId]));
    const order = fuseRankings(
      ranked.map((s) => s.entryId),
      nearest.map((pk) => pkToId.get(pk)!).filter(Boolean),
      this.embeddings.config.weight,
    );
    const fused = order.map((id) => pool.get(id)!).filter(Boolean);
    return { query, sources: finishSources(fused, query, options.limit), note: null };
  }

  /** Each source with the entries before and after it in its thread, for the LLM. */
  private async withContext(userId: string, sources: OracleSource[]): Promise<OracleSource[]> {
    const at = async (s: OracleSource, seq: number) =>
      (
        await this.db.get<{ content: string }>(sql`
          SELECT e.content FROM entries e JOIN threads t ON t.pk = e.thread_pk
          WHERE t.user_id = ${userId} AND t.project_id = ${s.project} AND t.thread_id = ${s.thread}
            AND e.sequence_id = ${seq}`)
      )?.content;
    return Promise.all(
      sources.map(async (s) => {
        const before = await at(s, s.seq - 1);
        const after = await at(s, s.seq + 1);
        return { ...s, context: { ...(before ? { before } : {}), ...(after ? { after } : {}) } };
      }),
    );
  }

  /** The question checked against the limit, then retrieval with the caller's options. */
  private retrieveFor(userId: string, input: { question: string; projectId?: string; limit?: number }) {
    const limit = this.check(input.question, input.limit);
    return this.retrieve(userId, input.question, {
      limit,
      ...(input.projectId ? { projectId: input.projectId } : {}),
    });
  }

  async ask(
    userId: string,
    input: { question: string; projectId?: string; limit?: number },
  ): Promise<OracleAnswer> {
    const { query, sources, note: retrievalNote } = await this.retrieveFor(userId, input);
    const extractive = (mode: OracleMode, note: string | null): OracleAnswer =>
      withSources(composeExtractive(query?.stems ?? [], sources), mode, note, sources);
    if (!this.llm || sources.length === 0) return extractive('extractive', retrievalNote);
    try {
      const { system, user } = buildPrompt(input.question, await this.withContext(userId, sources));
      const checked = checkCitations(await complete(this.llm, system, user), sources.length);
      if (checked.cited.length === 0 && checked.answer !== NO_ANSWER) {
        return extractive('extractive-fallback', 'the LLM cited no source');
      }
      return withSources(checked.answer, 'llm', null, sources);
    } catch (error) {
      if (error instanceof LlmError) return extractive('extractive-fallback', error.message);
      throw error;
    }
  }

  /** The answer as it is produced: text pieces, then the sources and the mode. */
  async *stream(
    userId: string,
    input: { question: string; projectId?: string; limit?: number },
  ): AsyncGenerator<{ type: 'text'; text: string } | ({ type: 'done' } & OracleAnswer)> {
    const { query, sources, note: retrievalNote } = await this.retrieveFor(userId, input);
    if (this.llm && sources.length > 0) {
      const { system, user } = buildPrompt(input.question, await this.withContext(userId, sources));
      let text = '';
      try {
        for await (const piece of completeStream(this.llm, system, user)) {
          text += piece;
          yield { type: 'text', text: piece };
        }
        const checked = checkCitations(text, sources.length);
        if (checked.cited.length > 0 || checked.answer === NO_ANSWER) {
          yield { type: 'done', ...withSources(checked.answer, 'llm', null, sources) };
          return;
        }
        yield { type: 'done', ...extractiveAnswer(query?.stems ?? [], sources, 'the LLM cited no source') };
        return;
      } catch (error) {
        if (!(error instanceof LlmError)) throw error;
        yield { type: 'done', ...extractiveAnswer(query?.stems ?? [], sources, error.message) };
        return;
      }
    }
    const answer = withSources(
      composeExtractive(query?.stems ?? [], sources),
      'extractive',
      retrievalNote,
      sources,
    );
    for (const sentence of answer.answer.split(/(?<=\])\s+/)) yield { type: 'text', text: `${sentence} ` };
    yield { type: 'done', ...answer };
  }
}

function extractiveAnswer(stems: string[][], sources: OracleSource[], note: string): OracleAnswer {
  return withSources(composeExtractive(stems, sources), 'extractive-fallback', note, sources);
}

function withSources(
  answer: string,
  mode: OracleMode,
  note: string | null,
  sources: OracleSource[],
): OracleAnswer {
  return {
    answer,
    mode,
    note,
    sources: sources.map(({ content: _content, context: _context, ...source }) => source),
  };
}
