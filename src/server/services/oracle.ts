// The Oracle: retrieval over the user's entries, note chunks and code chunks (shared/retrieval.ts:
// expansion, fields, fusion, at most RETRIEVAL.codeShare sources of code, on the engine's full-text
// index), then an extractive answer, or an LLM's answer when one is configured, always with
// citations to the sources used.
import { TRPCError } from '@trpc/server';
import { sql } from 'drizzle-orm';
import {
  buildPrompt,
  checkCitations,
  composeExtractive,
  NO_ANSWER,
  type AnswerTerm,
  type OracleSource,
  type SentSource,
} from '../../shared/oracle.js';
import { retrieve, RETRIEVAL, type CandidateRow, type RetrievalSettings } from '../../shared/retrieval.js';
import { ORACLE_CANDIDATES } from '../../shared/fts5.js';
import type { ServerDb } from '../db/index.js';
import { serverLexicon } from '../lexicon.js';
import type { Limits } from '../limits.js';
import { EmbeddingsError, type Embeddings } from './embeddings.js';
import { complete, completeStream, LlmError, type LlmConfig } from './llm.js';

export type OracleMode = 'extractive' | 'llm' | 'extractive-fallback';

export interface OracleAnswer {
  answer: string;
  mode: OracleMode;
  /** Why the mode is what it is, when that is worth saying (an LLM failure). */
  note: string | null;
  sources: SentSource[];
}

const ROW_COLUMNS = sql.raw(
  `e.pk AS pk, e.content, e.entry_id AS "entryId", e.sequence_id AS seq, e.author, e.timestamp,
   t.project_id AS project, t.thread_id AS thread, e.thread_pk AS "threadPk"`,
);
export class Oracle {
  private readonly settings: RetrievalSettings;

  constructor(
    private readonly db: ServerDb,
    private readonly limits: Limits,
    private readonly llm: LlmConfig | undefined,
    private readonly embeddings?: Embeddings,
    settings?: Partial<RetrievalSettings>,
  ) {
    this.settings = { ...RETRIEVAL, ...settings };
  }

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
    options: { projectId?: string; limit: number; tag?: string },
  ): Promise<{ terms: AnswerTerm[]; sources: OracleSource[]; note: string | null }> {
    let semantic: { rows: CandidateRow[]; weight: number } | undefined;
    let note: string | null = null;
    if (this.embeddings) {
      try {
        const nearest = await this.embeddings.nearest(userId, question, ORACLE_CANDIDATES, options.projectId);
        const rows =
          nearest.length === 0
            ? []
            : await this.db.all<CandidateRow & { pk: number }>(sql`
                SELECT 0 AS rank, ${ROW_COLUMNS} FROM entries e JOIN threads t ON t.pk = e.thread_pk
                WHERE e.user_id = ${userId} AND e.pk IN (${sql.join(
                  nearest.map((pk) => sql`${pk}`),
                  sql`, `,
                )})${
                  options.tag === undefined
                    ? sql``
                    : sql` AND e.pk IN (SELECT entry_pk FROM entry_marks WHERE user_id = ${userId} AND tag = ${options.tag})`
                }`);
        const byPk = new Map(rows.map((row) => [row.pk, row]));
        semantic = {
          rows: nearest.map((pk) => byPk.get(pk)).filter((row) => row !== undefined),
          weight: this.embeddings.config.weight,
        };
      } catch (error) {
        if (!(error instanceof EmbeddingsError)) throw error;
        note = `bm25 only: ${error.message}`;
      }
    }
    // Counts, candidates and neighbours come from the user's own entries only.
    // A kind the user has none of (counted first) is not asked for candidates.
    const has = { notes: true, code: true };
    const { terms, sources } = await retrieve(
      {
        // Entries, note chunks and code chunks are counted together: one set of statistics for
        // every kind, as the local vault counts them.
        counts: async (terms) => {
          const kinds = await Promise.all([
            this.db.search.documentCounts(userId, terms),
            this.db.noteSearch.documentCounts(userId, terms),
            this.db.codeSearch.documentCounts(userId, terms),
          ]);
          has.notes = kinds[1].total > 0;
          has.code = kinds[2].total > 0;
          return {
            counts: terms.map((_, i) => kinds.reduce((sum, kind) => sum + (kind.counts[i] ?? 0), 0)),
            total: kinds.reduce((sum, kind) => sum + kind.total, 0),
          };
        },
        candidates: (terms, limit) =>
          this.db.search.candidates(userId, terms, options.projectId, limit, options.tag),
        entriesAt: (places) => this.db.search.entriesAt(userId, places),
        // With a tag, entries only: notes carry no entry tags.
        noteCandidates: (terms, limit) =>
          options.tag === undefined && has.notes
            ? this.db.noteSearch.candidates(userId, terms, options.projectId, limit)
            : Promise.resolve([]),
        chunksAt: (places) => this.db.noteSearch.chunksAt(userId, places),
        // With a tag, entries only: code carries no entry tags.
        codeCandidates: (terms, limit) =>
          options.tag === undefined && has.code
            ? this.db.codeSearch.candidates(userId, terms, options.projectId, limit)
            : Promise.resolve([]),
        codeChunksAt: (places) => this.db.codeSearch.chunksAt(userId, places),
      },
      question,
      { limit: options.limit, settings: this.settings, lexicon: await serverLexicon(), semantic },
    );
    return { terms, sources, note };
  }

  /** Each source with the entries before and after it in its thread, for the LLM. */
  private async withContext(userId: string, sources: OracleSource[]): Promise<OracleSource[]> {
    const at = async (s: OracleSource, offset: number) =>
      s.kind === 'code'
        ? (
            await this.db.get<{ content: string }>(sql`
              SELECT c2.content FROM code_chunks c JOIN code_files f ON f.pk = c.file_pk
              JOIN code_chunks c2 ON c2.file_pk = c.file_pk AND c2.seq = c.seq + ${offset}
              WHERE f.user_id = ${userId} AND f.project_id = ${s.project} AND f.path = ${s.path}
                AND c.start_line = ${s.startLine} AND c.end_line = ${s.endLine}`)
          )?.content
        : s.kind === 'note'
          ? (
              await this.db.get<{ content: string }>(sql`
              SELECT c2.content FROM note_chunks c JOIN notes n ON n.pk = c.note_pk
              JOIN note_chunks c2 ON c2.note_pk = c.note_pk AND c2.seq = c.seq + ${offset}
              WHERE n.user_id = ${userId} AND n.project_id = ${s.project} AND n.path = ${s.path}
                AND c.start_line = ${s.startLine}`)
            )?.content
          : (
              await this.db.get<{ content: string }>(sql`
              SELECT e.content FROM entries e JOIN threads t ON t.pk = e.thread_pk
              WHERE t.user_id = ${userId} AND t.project_id = ${s.project} AND t.thread_id = ${s.thread}
                AND e.sequence_id = ${s.seq + offset}`)
            )?.content;
    return Promise.all(
      sources.map(async (s) => {
        const before = await at(s, -1);
        const after = await at(s, 1);
        return { ...s, context: { ...(before ? { before } : {}), ...(after ? { after } : {}) } };
      }),
    );
  }

  /** The question checked against the limit, then retrieval with the caller's options. */
  private retrieveFor(
    userId: string,
    input: { question: string; projectId?: string; limit?: number; tag?: string },
  ) {
    const limit = this.check(input.question, input.limit);
    return this.retrieve(userId, input.question, {
      limit,
      ...(input.projectId ? { projectId: input.projectId } : {}),
      ...(input.tag ? { tag: input.tag } : {}),
    });
  }

  private compose(terms: AnswerTerm[], sources: OracleSource[]): string {
    return composeExtractive(terms, sources, this.settings.noAnswer);
  }

  async ask(
    userId: string,
    input: { question: string; projectId?: string; limit?: number; tag?: string },
  ): Promise<OracleAnswer> {
    const { terms, sources, note: retrievalNote } = await this.retrieveFor(userId, input);
    const extractive = (mode: OracleMode, note: string | null): OracleAnswer =>
      withSources(this.compose(terms, sources), mode, note, sources);
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
    input: { question: string; projectId?: string; limit?: number; tag?: string },
  ): AsyncGenerator<{ type: 'text'; text: string } | ({ type: 'done' } & OracleAnswer)> {
    const { terms, sources, note: retrievalNote } = await this.retrieveFor(userId, input);
    const extractiveAnswer = (note: string) =>
      withSources(this.compose(terms, sources), 'extractive-fallback', note, sources);
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
        yield { type: 'done', ...extractiveAnswer('the LLM cited no source') };
        return;
      } catch (error) {
        if (!(error instanceof LlmError)) throw error;
        yield { type: 'done', ...extractiveAnswer(error.message) };
        return;
      }
    }
    const answer = withSources(this.compose(terms, sources), 'extractive', retrievalNote, sources);
    for (const sentence of answer.answer.split(/(?<=\])\s+/)) yield { type: 'text', text: `${sentence} ` };
    yield { type: 'done', ...answer };
  }
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
    sources: sources.map(({ content: _content, context: _context, ...source }) => source as SentSource),
  };
}
