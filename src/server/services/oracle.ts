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
  indexRange,
  matchFor,
  rerank,
  type OracleSource,
  type OracleTerm,
  type RetrievedRow,
} from '../../shared/oracle.js';
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

const CANDIDATES = 40;
const ROW_COLUMNS = sql.raw(
  `e.pk AS pk, e.content, e.entry_id AS "entryId", e.sequence_id AS seq, e.author, e.timestamp,
   t.project_id AS project, t.thread_id AS thread`,
);
const termKey = (term: OracleTerm) => `${term.prefix ? '*' : ''}${term.text}`;

/** One term as a tsquery: a phrase, a prefix (`:*`) or a word; the words are only ever words. */
function pgTerm(term: OracleTerm) {
  if (/\s/.test(term.text)) return sql`phraseto_tsquery('english', ${term.text})`;
  const word = term.text.replace(/[^\p{L}\p{N}_]/gu, '');
  return sql`to_tsquery('english', ${term.prefix ? `${word}:*` : word})`;
}

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
    const candidates =
      this.db.dialect === 'postgres'
        ? await this.candidatesPostgres(userId, query.terms, options.projectId)
        : await this.candidatesSqlite(userId, query.terms, options.projectId);
    const ranked = rerank(candidates, query.stems);
    if (!this.embeddings) return { query, sources: finishSources(ranked, query, options.limit), note: null };

    // Semantic retrieval, fused with bm25's ranking by reciprocal rank.
    let nearest: number[];
    try {
      nearest = await this.embeddings.nearest(userId, question, CANDIDATES, options.projectId);
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

  /** FTS5: the best candidates by bm25, common words left out (counted in the fts5vocab table). */
  private async candidatesSqlite(userId: string, terms: OracleTerm[], projectId?: string) {
    const vocabulary = new Map<string, number>();
    for (const term of terms) {
      const { from, to } = indexRange(term);
      const row = await this.db.get<{ n: number }>(
        to === undefined
          ? sql`SELECT coalesce(sum(doc), 0) AS n FROM entries_vocab WHERE term = ${from}`
          : sql`SELECT coalesce(sum(doc), 0) AS n FROM entries_vocab WHERE term >= ${from} AND term < ${to}`,
      );
      vocabulary.set(termKey(term), row?.n ?? 0);
    }
    const total = (await this.db.get<{ total: number }>(
      sql`SELECT coalesce(max(pk), 0) AS total FROM entries`,
    ))!.total;
    const match = matchFor(pruneCommon(terms, (t) => vocabulary.get(termKey(t)) ?? 0, total));
    return this.db.all<RetrievedRow>(sql`
      WITH hits AS (
        SELECT rowid AS pk, rank FROM entries_fts
        WHERE entries_fts MATCH ${match} AND user_id = ${userId}
          ${projectId ? sql`AND project_id = ${projectId}` : sql``}
        ORDER BY rank LIMIT ${CANDIDATES}
      )
      SELECT hits.rank, ${ROW_COLUMNS}
      FROM hits JOIN entries e ON e.pk = hits.pk JOIN threads t ON t.pk = e.thread_pk`);
  }

  /**
   * PostgreSQL: the same terms as a tsquery (ts_rank_cd, negated to rank like bm25: lower is
   * better); common words left out by counting, up to the threshold, the user's entries holding them.
   */
  private async candidatesPostgres(userId: string, terms: OracleTerm[], projectId?: string) {
    const total =
      (
        await this.db.get<{ total: number | null }>(
          sql`SELECT CAST(sum(entry_count) AS INTEGER) AS total FROM threads WHERE user_id = ${userId}`,
        )
      )?.total ?? 0;
    const counts = new Map<string, number>();
    const frequencies = await this.lexemeFrequencies();
    if (frequencies) {
      // PostgreSQL's own statistics of the tsvector column (ANALYZE's most common lexemes, with the
      // share of rows holding each): a word missing from them is rare. The index's form of a term
      // is the English stem; a prefix sums the lexemes it starts.
      const stems = await this.db.all<{ term: string; lexeme: string | null }>(sql`
        SELECT x.term, (SELECT lexeme FROM unnest(to_tsvector('english', x.term)) LIMIT 1) AS lexeme
        FROM json_array_elements_text(CAST(${JSON.stringify(terms.map((t) => t.text))} AS json)) AS x(term)`);
      const lexemeOf = new Map(stems.map((row) => [row.term, row.lexeme ?? row.term]));
      for (const term of terms) {
        const lexeme = lexemeOf.get(term.text) ?? term.text;
        let share = 0;
        for (const [word, frequency] of frequencies) {
          if (word === lexeme || (term.prefix && word.startsWith(lexeme))) share += frequency;
        }
        // Unknown words count as present: the query finds out.
        counts.set(termKey(term), Math.max(1, Math.round(Math.min(1, share) * total)));
      }
    } else {
      // No statistics yet (a new database): count the user's entries holding each word, up to the threshold.
      const cap = Math.ceil(Math.max(1000, total * 0.05)) + 1;
      for (const term of terms) {
        const row = await this.db.get<{ n: number }>(sql`
          SELECT CAST(count(*) AS INTEGER) AS n FROM (
            SELECT 1 FROM entries WHERE user_id = ${userId} AND content_tsv @@ ${pgTerm(term)} LIMIT ${cap}
          ) x`);
        counts.set(termKey(term), row?.n ?? 0);
      }
    }
    const kept = pruneCommon(terms, (t) => counts.get(termKey(t)) ?? 0, total);
    return this.db.all<RetrievedRow>(sql`
      WITH q AS (SELECT (${sql.join(kept.map(pgTerm), sql` || `)}) AS q),
      matches AS MATERIALIZED (
        SELECT e.pk, e.thread_pk, e.content_tsv FROM entries e, q
        WHERE e.user_id = ${userId} AND e.content_tsv @@ q.q
      ),
      hits AS (
        SELECT m.pk, -ts_rank_cd(m.content_tsv, q.q) AS rank
        FROM matches m JOIN threads t ON t.pk = m.thread_pk, q
        ${projectId ? sql`WHERE t.project_id = ${projectId}` : sql``}
        ORDER BY rank, m.pk LIMIT ${CANDIDATES}
      )
      SELECT hits.rank, ${ROW_COLUMNS}
      FROM hits JOIN entries e ON e.pk = hits.pk JOIN threads t ON t.pk = e.thread_pk
      ORDER BY hits.rank, hits.pk`);
  }

  private frequencies: { at: number; value: Map<string, number> | null } | undefined;
  private analyzedAt = 0;

  /** The most common lexemes of entries.content_tsv and their row shares, from pg_stats; a minute's cache. */
  private async lexemeFrequencies(): Promise<Map<string, number> | null> {
    // Statistics are kept a minute; their absence only a few seconds (an ANALYZE may be running).
    const ttl = this.frequencies?.value ? 60_000 : 5_000;
    if (this.frequencies && Date.now() - this.frequencies.at < ttl) return this.frequencies.value;
    const row = await this.db.get<{ elems: string | null; freqs: string | null }>(sql`
      SELECT CAST(most_common_elems AS text) AS elems, CAST(most_common_elem_freqs AS text) AS freqs
      FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'entries' AND attname = 'content_tsv'`);
    let value: Map<string, number> | null = null;
    if (!row?.elems && Date.now() - this.analyzedAt > 600_000) {
      // No statistics yet (a new or freshly loaded database, before autovacuum comes by): ask for
      // them in the background, at most every 10 minutes; meanwhile words are counted.
      this.analyzedAt = Date.now();
      this.db.run(sql`ANALYZE entries`).catch(() => undefined);
    }
    if (row?.elems && row.freqs) {
      const elems = row.elems
        .slice(1, -1)
        .split(',')
        .map((e) => e.replace(/^"|"$/g, ''));
      const freqs = row.freqs.slice(1, -1).split(',').map(Number);
      value = new Map(elems.map((e, i) => [e, freqs[i] ?? 0]));
    }
    this.frequencies = { at: Date.now(), value };
    return value;
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
